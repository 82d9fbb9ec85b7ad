"""A run in one pass (workers ingest and score each chunk) gives what scoring the stored lines gives,
and a rerun under new rules takes out of the queue the lines that no longer qualify."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from pathways.core.policy import Role
from pathways.screening import service
from pathways.screening.catalog import MarkSet, load_catalog, load_marks
from pathways.screening.ingest import job_parts
from pathways.screening.matcher import MarkSpec
from pathways.screening.models import IngestJob, LineStatus, TargetedLine
from pathways.screening.rules import load_rules
from pathways.store.session import unit_of_work
from tests.screening.conftest import ScreeningWorld


@pytest.fixture(scope="module")
def first_run(sworld: ScreeningWorld, tmp_path_factory: pytest.TempPathFactory) -> tuple[service.RunReport, Path]:
    out = tmp_path_factory.mktemp("rerun") / "hits.parquet"
    report = service.run_file(sworld.viewer, sworld.lines, out=out, mentions=False, chunk_rows=1500)
    return report, out


def test_one_pass_gives_what_scoring_the_stored_lines_gives(
        sworld: ScreeningWorld, first_run: tuple[service.RunReport, Path]) -> None:
    report, out = first_run
    with unit_of_work(sworld.viewer, readonly=True) as session:
        job = session.get(IngestJob, report.ingest.job_id)
        assert job is not None
        parts = job_parts(job)
        catalog = load_catalog(session)
    assert len(parts) >= 3  # several chunks, each ingested and scored by a worker
    again, _ = service.score_parts(parts, catalog, load_rules(), "embedded")
    written = pl.read_parquet(out)
    assert written.height == again.num_rows and report.targeted > 20
    stored = pl.from_arrow(again).select(written.columns).with_columns(  # type: ignore[union-attr]
        pl.col("reasons").str.replace_all("\n", " | "))
    assert written.equals(stored)


def test_a_rerun_takes_lines_that_no_longer_qualify_out_of_the_queue(
        sworld: ScreeningWorld, first_run: tuple[service.RunReport, Path]) -> None:
    me = sworld.officer(Role.BORDER_OFFICER)
    with unit_of_work(me) as session:
        queued = session.execute(select(TargetedLine).where(TargetedLine.targeted)).scalars().all()
        low = min(queued, key=lambda x: (x.score, x.line_id))
        examined = service.record_outcome(session, me, low.line_id, service.Outcome("release")).line_id
        low_scores = {x.line_id for x in queued if x.score < 90 and x.line_id != examined}
    assert low_scores
    rerun = service.run_file(sworld.viewer, sworld.lines, mentions=False, rules=load_rules(threshold=90))
    assert rerun.ingest.already
    with unit_of_work(me, readonly=True) as session:
        rows = {x.line_id: x for x in session.execute(select(TargetedLine)).scalars()}
    left = [rows[i] for i in low_scores if i in rows]
    assert all(x.sampled and not x.targeted for x in left)  # only the compliance sample may keep them
    assert len(left) < len(low_scores)
    assert rows[examined].status == LineStatus.RELEASED  # an examined line keeps its outcome
    assert all(x.score >= 90 for x in rows.values() if x.targeted and x.status == LineStatus.QUEUED)


def test_a_run_rejects_a_line_id_repeated_in_another_chunk(sworld: ScreeningWorld, tmp_path: Path) -> None:
    lines = pl.read_parquet(sworld.lines).slice(3000, 900)
    path = tmp_path / "twice.parquet"
    pl.concat([lines, lines.slice(5, 1)]).write_parquet(path)
    report = service.run_file(sworld.viewer, path, mentions=False, chunk_rows=300)
    assert (report.ingest.loaded, report.ingest.rejected) == (900, 1)
    rejects = (tmp_path / "twice.parquet.rejects.csv").read_text().splitlines()
    assert rejects[1].startswith("901,line_id repeated in the file (first at row 6),")


def test_marks_changed_before_the_catalog_loads_never_give_a_wrong_match(
        sworld: ScreeningWorld, first_run: tuple[service.RunReport, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers match descriptions against the marks read ahead of the catalog; if a recordation
    changed in between (here: the marks in another order), those matches are dropped, not applied."""
    _, first_out = first_run
    with unit_of_work(sworld.viewer, readonly=True) as session:
        marks = load_marks(session)
    shuffled = tuple(MarkSpec(i, m.record_number, m.registration_number, m.mark)
                     for i, m in enumerate(reversed(marks.specs)))
    stale = MarkSet(shuffled, marks.vocabulary, "a recordation changed")
    monkeypatch.setattr(service, "load_marks", lambda session: stale)
    out = tmp_path / "hits.parquet"
    service.run_file(sworld.viewer, sworld.lines, out=out, mentions=False)
    assert pl.read_parquet(out).equals(pl.read_parquet(first_out))
