"""Screening a world end to end: quality against ground truth, the queue, exam outcomes and feedback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pathways.cli import app
from pathways.core.errors import Forbidden, InvalidInput
from pathways.core.policy import Role, Viewer
from pathways.screening import service
from pathways.screening.models import LineStatus, TargetedLine
from pathways.screening.quality import evaluate
from pathways.seizures import service as seizures
from pathways.seizures.models import Detention, Seizure
from pathways.store.session import unit_of_work
from tests.screening.conftest import ScreeningWorld


@pytest.fixture(scope="module")
def screened(sworld: ScreeningWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hits") / "hits.csv"
    result = CliRunner().invoke(app, ["screening", "run", str(sworld.lines), "--out", str(out), "--no-mentions"])
    assert result.exit_code == 0, result.output
    assert "targeted" in result.output
    return out


def test_quality_on_the_worlds_ground_truth(sworld: ScreeningWorld, screened: Path) -> None:
    hits = pl.read_csv(screened)
    assert hits.columns == ["line_id", "score", "targeted", "sampled", "recordation_numbers", "reasons"]
    quality = evaluate(hits, pl.read_parquet(sworld.lines), sworld.dir / "truth" / "manifest_lines.csv")
    for mode in ("all", "express", "mail", "cargo"):
        assert quality[mode]["recall"] >= 0.95, (mode, quality[mode])
        assert quality[mode]["precision"] >= 0.90, (mode, quality[mode])
    # about 1% of the unflagged lines are sampled for compliance, never the targeted ones
    sampled = hits.filter(pl.col("sampled"))
    assert 40 <= sampled.height <= 180 and not sampled.get_column("targeted").any()
    top = hits.sort("score", descending=True).row(0, named=True)
    assert top["score"] <= 100 and ("as recorded" in top["reasons"] or "look-alike" in top["reasons"])


def test_hard_negatives_are_not_targeted(sworld: ScreeningWorld, screened: Path) -> None:
    truth = pl.read_csv(sworld.dir / "truth" / "manifest_lines.csv", schema_overrides={"is_counterfeit": pl.String})
    hits = pl.read_csv(screened)
    negatives = truth.filter(pl.col("cue").is_in(["compatibility", "embedded_word"])).join(hits, on="line_id")
    assert negatives.filter(pl.col("targeted")).height == 0


def test_officer_works_the_queue_and_outcomes_feed_back(
        sworld: ScreeningWorld, screened: Path, officer: Callable[..., Viewer], tmp_path: Path) -> None:
    me = officer(Role.BORDER_OFFICER)
    with unit_of_work(me) as session:
        ports = service.ports(session, me)
        port = ports[0][0]
        queue = service.queue(session, me, port)
        assert [x.score for x in queue] == sorted((x.score for x in queue), reverse=True)
        top, second, third = queue[0], queue[1], queue[2]
        assert top.reason_list and top.recordation_list
        seized = service.record_outcome(session, me, top.line_id, service.Outcome("seize", note="labels fake"))
        seized_id, shipper, importer = seized.seizure_id, seized.shipper_name, seized.importer_name
        service.record_outcome(session, me, second.line_id, service.Outcome("detain"))
        service.record_outcome(session, me, third.line_id, service.Outcome("release"))
        with pytest.raises(InvalidInput, match="already examined"):
            service.record_outcome(session, me, top.line_id, service.Outcome("release"))
        with pytest.raises(InvalidInput, match="outcome 'burn'"):
            service.record_outcome(session, me, queue[3].line_id, service.Outcome("burn"))
    with unit_of_work(me) as session:
        seizure = session.get(Seizure, seized_id)
        assert seizure is not None and seizure.seizure_number.startswith("SZ ") and seizure.source == "targeting"
        assert seizure.lines[0].record_number == top.recordation_list[0]
        assert seizure.lines[0].quantity == top.quantity and seizure.lines[0].msrp_unit_usd > 0
        det = session.execute(select(Detention).where(Detention.line_id == second.line_id)).scalar_one()
        assert (det.period_ends_on - det.detained_on).days == 30 and "NOTICE OF DETENTION" in det.notice_text
        history = seizures.party_history(session, [seizures.party_key(shipper)])
        assert history[seizures.party_key(shipper)].seizures >= 1
        line_parties = service.line_history(session, service.get_line(session, me, top.line_id))
        assert any(h and h.seizures for _, _, h in line_parties)
    # a supervisor sees the hit rate; an officer may not
    boss = officer(Role.SUPERVISOR)
    with unit_of_work(boss) as session:
        total, by_rule, by_port = service.hit_rates(session, boss)
        assert (total.examined, total.violations) == (3, 2)
        assert any(r.key == port and r.examined == 3 for r in by_port)
        assert {r.key for r in by_rule} >= {"undervalued"}
    with unit_of_work(me) as session, pytest.raises(Forbidden):
        service.hit_rates(session, me)
    # the next run scores the seized parties' other lines higher
    before = pl.read_csv(screened)
    again = tmp_path / "again.parquet"
    result = CliRunner().invoke(app, ["screening", "run", str(sworld.lines), "--out", str(again), "--no-mentions"])
    assert result.exit_code == 0, result.output
    after = pl.read_parquet(again)
    lines = pl.read_parquet(sworld.lines)
    theirs = lines.filter((pl.col("shipper_name") == shipper) | (pl.col("importer_name") == importer)).get_column(
        "line_id")
    joined = (lines.select("line_id").filter(pl.col("line_id").is_in(theirs.implode()))
              .join(before.select("line_id", pl.col("score").alias("s0")), on="line_id", how="left")
              .join(after.select("line_id", "score", "reasons"), on="line_id", how="left"))
    s0, s1 = joined.get_column("s0").fill_null(0), joined.get_column("score")
    assert ((s1 > s0) | (s0 == 100)).all() and (s1 > s0).any()  # higher, unless already at the top
    assert joined.get_column("reasons").str.contains("party history").all()
    with unit_of_work(me) as session:  # examined lines keep their outcome; queued ones were rescored
        assert service.get_line(session, me, top.line_id).status == LineStatus.SEIZED
        n = session.execute(select(TargetedLine).where(TargetedLine.line_id == top.line_id)).scalars().all()
        assert len(n) == 1
        waiting = session.execute(select(TargetedLine).where(TargetedLine.shipper_name == shipper,
                                                             TargetedLine.status == LineStatus.QUEUED)).scalars().all()
        assert all("party history" in x.reasons for x in waiting)
