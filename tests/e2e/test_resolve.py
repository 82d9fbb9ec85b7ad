"""Entity resolution in a real browser: an analyst opens an entity that joins a manifest party, a tip
subject and a seizure party; reviews an uncertain pair; and sees the judgement survive a rerun.
Screenshots go to PATHWAYS_SCREENSHOTS when set."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, open_page, screenshots

pytestmark = pytest.mark.e2e
shot = screenshots("resolve")


def _joined_entity(server: LiveServer) -> tuple[str, str]:
    """An entity seen in a manifest, a tip and a seizure, and one of its names."""
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT entity_id, source, value FROM mentions "
                                 "WHERE kind IN ('person', 'organization') AND entity_id IS NOT NULL")).all()
    engine.dispose()
    sources: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for eid, source, value in rows:
        sources[eid].add(source)
        if source == "tips":
            names[eid] = value
    joined = sorted(e for e, s in sources.items() if {"screening", "tips", "seizures"} <= s)
    assert joined, "the demo world has parties seen in manifests, tips and seizures"
    return joined[0], names[joined[0]]


def _rerun(server: LiveServer) -> None:
    env = {**os.environ, "PATHWAYS_VAR_DIR": str(server.var_dir), "PATHWAYS_DATABASE_URL": server.database_url,
           "PATHWAYS_SECRET_KEY": "e2e-secret-key"}
    subprocess.run([sys.executable, "-m", "pathways.cli", "resolve", "run"], env=env, check=True,
                   capture_output=True, timeout=600)


def test_analyst_opens_a_joined_entity_reviews_a_pair_and_the_judgement_survives(
        live_server: LiveServer, browser: Any) -> None:
    entity_id, name = _joined_entity(live_server)
    context, page, errors = open_page(browser)
    log_in(page, live_server, "analyst")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Entities").click()
    expect(page.get_by_role("heading", name="Entities", exact=True)).to_be_visible()
    page.get_by_label("Name or identifier").fill(name)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(f'a[href="/entities/{entity_id}"]')).to_be_visible()
    shot(page, "search")
    page.locator(f'a[href="/entities/{entity_id}"]').click()
    mentions = page.locator("#entity-mentions tbody")
    for source in ("Manifest", "Tip", "Seizure"):
        expect(mentions).to_contain_text(source)
    expect(mentions).to_contain_text("+")  # the explanation's match weights
    expect(page.locator("#entity-history")).to_contain_text("created")
    shot(page, "entity")
    # the seizure record links back to the entity of each of its parties
    mentions.get_by_role("link", name="seizure").first.click()
    expect(page.get_by_role("heading", name="Seizure lines")).to_be_visible()
    expect(page.locator(f'a[href="/entities/{entity_id}"]')).to_have_count(1)
    page.go_back()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Review uncertain matches")).to_be_visible()
    shot(page, "queue")
    page.locator("table.data tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
    expect(page.locator("#weights tbody tr").first).to_be_visible()
    names = [page.locator(".side-name").nth(i).inner_text() for i in (0, 1)]
    href = page.locator(".entity-now a").first.get_attribute("href")
    shot(page, "pair")
    page.get_by_label("Same party").check()
    page.get_by_label("Note (optional)").fill("same director on both invoices")
    page.get_by_role("button", name="Record judgement").click()
    expect(page.get_by_text("Recorded: same party.")).to_be_visible()

    def judged_entity() -> str:
        page.goto(live_server.url + str(href))  # a merged entity's page leads to the one it joined
        for n in names:
            expect(page.locator("#entity-names")).to_contain_text(n)
        return page.url

    before = judged_entity()
    expect(page.locator("#entity-history")).to_contain_text("merged")
    _rerun(live_server)
    assert judged_entity() == before
    shot(page, "after-rerun")
    assert not errors
    context.close()
