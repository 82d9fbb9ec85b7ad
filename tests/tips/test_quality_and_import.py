"""On the world's ground truth: dedup precision and recall, routing, idempotent import, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from pathways.cli import app
from pathways.core.policy import Viewer
from pathways.identity import service as identity
from pathways.store import migrate
from pathways.store.audit import verify_chain
from pathways.store.engine import get_engine
from pathways.store.models import load_all_models
from pathways.store.session import unit_of_work
from pathways.tips import importer
from pathways.tips.quality import measure


def test_the_world_imports_bundled_and_routed_with_the_quality_we_promise(
        fresh_database: str, cli_viewer: Viewer, tiny_world: Path, tmp_path: Path) -> None:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    runner = CliRunner()
    result = runner.invoke(app, ["tips", "import", str(tiny_world / "tips.jsonl")])
    assert result.exit_code == 0, result.output
    assert "1000 created" in result.output
    again = runner.invoke(app, ["tips", "import", str(tiny_world / "tips.jsonl")])
    assert "0 created, 1000 already there" in again.output
    out = tmp_path / "tips.csv"
    assert runner.invoke(app, ["tips", "export", "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1000
    assert list(rows[0]) == ["external_id", "tip_id", "bundle_id", "category", "priority", "office_code", "status"]
    q = measure(out, tiny_world)
    assert q.precision >= 0.95, q
    assert q.recall >= 0.90, q
    assert q.routing_accuracy == 1.0, q
    with unit_of_work(cli_viewer, readonly=True) as session:
        assert verify_chain(session).intact


def test_bad_lines_go_to_the_rejects_file_with_line_and_reason(database_url: str, cli_viewer: Viewer,
                                                               tmp_path: Path) -> None:
    good = {"external_id": "REJ-1", "received_at": "2026-01-02T03:04:05Z", "channel": "email",
            "narrative": "Counterfeit VELTRANO handbags sold at https://fake-bags.example/p/1", "location": {}}
    lines = [json.dumps(good), "{not json", json.dumps({**good, "external_id": "REJ-2", "channel": "pigeon"}),
             json.dumps({**good, "external_id": "REJ-3", "narrative": ""}), json.dumps(good)]
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join(lines) + "\n")
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
        report = importer.import_file(session, cli_viewer, f, source="rejects-test")
    assert report.created == 1 and report.rejected == 4
    rejects = list(csv.DictReader((tmp_path / "feed.jsonl.rejects.csv").open()))
    assert [(r["line"], r["reason"][:20]) for r in rejects] == [
        ("2", "not valid JSON (Expe"), ("3", "channel must be one "), ("4", "narrative is require"),
        ("5", "duplicate of line 1")]


def test_cli_refuses_a_missing_file_in_one_line() -> None:
    result = CliRunner().invoke(app, ["tips", "import", "/nonexistent/feed.jsonl"])
    assert result.exit_code == 2
    assert "no such file" in result.output


def _missing_indexes(bind: Any = None) -> list[str]:
    insp = inspect(bind if bind is not None else get_engine())
    tables = load_all_models().tables
    return sorted(str(ix.name) for name in importer.LOADED for ix in tables[name].indexes
                  if ix.name not in {i["name"] for i in insp.get_indexes(name)})


class Interrupted(Exception):
    pass


def _interrupt(_done: int) -> None:
    raise Interrupted


def _interrupted_import(cli_viewer: Viewer, tiny_world: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The world's tips imported in chunks of 300 and stopped after the first; returns the feed."""
    feed = tiny_world / "tips.jsonl"
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    monkeypatch.setattr(importer, "CHUNK", 300)
    with pytest.raises(Interrupted), unit_of_work(cli_viewer) as session:
        importer.import_file(session, cli_viewer, feed, source="world", workers=1, progress=_interrupt)
    return feed


def test_an_interrupted_import_leaves_no_table_without_its_indexes(
        fresh_database: str, cli_viewer: Viewer, tiny_world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # into empty tables the indexes are built after the rows: stopped after its first chunk, the
    # import has committed rows without them, and upgrading the database builds them
    feed = _interrupted_import(cli_viewer, tiny_world, monkeypatch)
    missing = _missing_indexes()
    assert "ix_tip_keys_key_received" in missing
    assert "ix_tips_bundle_id" not in missing  # a merge moves tips by it during the load
    assert sorted(migrate.upgrade()) == missing
    assert _missing_indexes() == []
    with unit_of_work(cli_viewer) as session:
        report = importer.import_file(session, cli_viewer, feed, source="world", workers=1)
    assert (report.unchanged, report.created) == (300, 700)
    assert _missing_indexes() == []


def test_an_import_resumed_after_an_interruption_builds_the_indexes_first(
        fresh_database: str, cli_viewer: Viewer, tiny_world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed = _interrupted_import(cli_viewer, tiny_world, monkeypatch)
    seen = []
    with unit_of_work(cli_viewer) as session:
        report = importer.import_file(session, cli_viewer, feed, source="world", workers=1,
                                      progress=lambda _n: seen.append(_missing_indexes(session.connection())))
    assert (report.unchanged, report.created) == (300, 700)
    assert seen and all(m == [] for m in seen)  # the resumed load looks up stored tips by them
    assert _missing_indexes() == []


def test_a_file_import_leaves_postgresql_the_statistics_of_what_it_loaded(
        fresh_database: str, cli_viewer: Viewer, tiny_world: Path) -> None:
    if get_engine().dialect.name != "postgresql":
        pytest.skip("statistics are PostgreSQL's planner's; SQLite's takes an index to be selective without them")
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
        importer.import_file(session, cli_viewer, tiny_world / "tips.jsonl", source="world", workers=1)
    with get_engine().connect() as conn:
        analyzed = {name for (name,) in conn.exec_driver_sql(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")}
    assert set(importer.LOADED) <= analyzed
