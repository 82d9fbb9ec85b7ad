"""Screening in a real browser: an officer takes the top targeted line, sees why, records a seizure; the
seizure shows in party history, and the next screening run scores that party's lines higher.
Screenshots go to PATHWAYS_SCREENSHOTS when set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, open_page, screenshots

pytestmark = pytest.mark.e2e


shot = screenshots("screening")


def _hits(world: Path) -> pl.DataFrame:
    return pl.concat([pl.read_csv(p) for p in sorted((world / "screening").glob("hits-*.csv"))])


def test_officer_seizes_the_top_line_and_the_next_run_learns(live_server: LiveServer, browser: Any) -> None:
    world = live_server.var_dir / "world"
    lines = pl.concat([pl.read_parquet(p) for p in sorted((world / "manifests").glob("part-*.parquet"))])
    before = _hits(world)
    context, page, errors = open_page(browser)

    log_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Targeting").click()
    expect(page.get_by_role("heading", name="Targeting queue")).to_be_visible()
    shot(page, "queue")
    page.locator("#queue tbody tr").first.get_by_role("link").first.click()
    line_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", name="Why it was targeted")).to_be_visible()
    expect(page.locator("#reasons li").first).to_contain_text("mark")
    shot(page, "line")

    page.get_by_label("Seize as counterfeit").check()
    page.get_by_label("Note").fill("counterfeit labels, poor stitching")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#status")).to_have_text("Seized as counterfeit")
    expect(page.get_by_text("Seized as counterfeit: the seizure record was created.")).to_be_visible()
    shipper = lines.filter(pl.col("line_id") == line_id).get_column("shipper_name")[0]
    history = page.locator("#party-history tr", has_text=shipper).first
    expect(history).to_contain_text("1 seizure")
    shot(page, "seized")
    page.locator("#seizure-link").click()
    expect(page.get_by_role("heading", name="Seizure lines")).to_be_visible()
    shot(page, "seizure")

    # the next screening run (the same files: nothing is ingested twice, every line is rescored)
    env = {**os.environ, "PATHWAYS_VAR_DIR": str(live_server.var_dir),
           "PATHWAYS_DATABASE_URL": live_server.database_url, "PATHWAYS_SECRET_KEY": "e2e-secret-key"}
    for part in sorted((world / "manifests").glob("part-*.parquet")):
        subprocess.run([sys.executable, "-m", "pathways.cli", "screening", "run", str(part), "--out",
                        str(world / "screening" / f"hits-{part.stem}.csv")], env=env, check=True, capture_output=True,
                       timeout=300)
    after = _hits(world)
    theirs = lines.filter((pl.col("shipper_name") == shipper) & (pl.col("line_id") != line_id)).get_column("line_id")
    assert theirs.len() > 0
    compared = (pl.DataFrame({"line_id": theirs}).join(before.select("line_id", pl.col("score").alias("s0")),
                                                        on="line_id", how="left")
                .join(after.select("line_id", "score", "targeted", "reasons"), on="line_id", how="left"))
    s0, s1 = compared.get_column("s0").fill_null(0), compared.get_column("score")
    assert ((s1 > s0) | (s0 == 100)).all() and (s1 > s0).any()
    assert compared.get_column("reasons").str.contains("party history").all()

    # one of those lines in the browser: its reasons now name the seizure
    target = compared.filter(pl.col("targeted")).get_column("line_id")
    if target.len():
        page.goto(f"{live_server.url}/screening/lines/{target[0]}")
        expect(page.locator("#reasons")).to_contain_text("party history")
        expect(page.locator("#reasons")).to_contain_text("SZ ")
        shot(page, "rescored")
    # the supervisor sees the exam in the targeting hit rate
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "supervisor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hit rate").click()
    expect(page.locator("#by-port")).to_contain_text("100%")
    expect(page.locator("#by-rule tbody tr").first).to_be_visible()
    shot(page, "hit-rate")
    assert not errors
    context.close()
