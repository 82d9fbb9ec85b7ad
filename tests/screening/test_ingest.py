"""Ingest: bad rows to a rejects file, resume after a stop, the same file twice adds nothing."""

from __future__ import annotations

import csv
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
from sqlalchemy import func, select
from typer.testing import CliRunner

from pathways.cli import app
from pathways.resolve.models import Mention, Relation
from pathways.screening.ingest import ingest_file, job_parts
from pathways.screening.models import IngestJob
from pathways.screening.reader import COLUMNS
from pathways.store.session import unit_of_work
from tests.screening.conftest import ScreeningWorld


def _sample(sworld: ScreeningWorld, n: int, offset: int = 0) -> pl.DataFrame:
    return pl.read_parquet(sworld.lines).slice(offset, n)


def test_csv_with_bad_rows(sworld: ScreeningWorld, tmp_path: Path) -> None:
    df = _sample(sworld, 40, 100).with_columns(pl.col("arrival_date").cast(pl.String))
    rows = df.to_dicts()
    rows[2]["mode"] = "rail"
    rows[5]["arrival_date"] = "2024-13-45"
    rows[7]["quantity"] = "lots"
    rows[9]["line_id"] = ""
    path = tmp_path / "m.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    report = ingest_file(sworld.viewer, path)
    assert (report.rows, report.loaded, report.rejected) == (40, 36, 4)
    rejects = list(csv.DictReader((tmp_path / "m.csv.rejects.csv").open()))
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("3", "mode rail is not one of express, mail, cargo, passenger"),
        ("6", "arrival_date 2024-13-45 is not a date (YYYY-MM-DD)"),
        ("8", "quantity lots is not a whole number of 0 or more"),
        ("10", "line_id is empty"),
    ]
    # the parties became mentions, the links relations
    with unit_of_work(sworld.viewer, readonly=True) as session:
        first = rows[0]["line_id"]
        fields = set(session.execute(select(Mention.field, Mention.kind).where(Mention.record_id == first)).all())
        assert ("shipper", "organization") in fields and ("importer", "address") in fields
        assert session.execute(select(func.count()).select_from(Relation).where(Relation.record_id == first)
                               ).scalar_one() >= 1
    again = ingest_file(sworld.viewer, path)
    assert again.already and "nothing added" in again.summary


def test_a_stopped_ingest_resumes_where_it_stopped(sworld: ScreeningWorld, tmp_path: Path) -> None:
    path = tmp_path / "m.parquet"
    _sample(sworld, 1000, 2000).write_parquet(path)
    first = ingest_file(sworld.viewer, path, chunk_rows=300, stop_after=2)
    assert first.loaded == 600
    with unit_of_work(sworld.viewer, readonly=True) as session:
        job = session.get(IngestJob, first.job_id)
        assert job is not None and job.status == "running" and job.chunks_done == 2 and job.percent == 60.0
    second = ingest_file(sworld.viewer, path)
    assert (second.loaded, second.resumed_from) == (1000, 2)
    with unit_of_work(sworld.viewer, readonly=True) as session:
        job = session.get(IngestJob, first.job_id)
        assert job is not None and job.status == "done"
        stored = pl.concat([pl.read_parquet(p) for p in job_parts(job)])
        n_mentions = session.execute(select(func.count()).select_from(Mention).where(
            Mention.record_id.in_(stored.get_column("line_id").to_list()))).scalar_one()
    assert stored.get_column("line_id").to_list() == _sample(sworld, 1000, 2000).get_column("line_id").to_list()
    assert n_mentions == second.mentions  # no chunk's mentions were written twice


def test_jsonl_and_cli_errors(sworld: ScreeningWorld, tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    rows = _sample(sworld, 5, 4000).with_columns(pl.col("arrival_date").cast(pl.String)).to_dicts()
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    runner = CliRunner()
    result = runner.invoke(app, ["screening", "ingest", str(path), "--no-mentions"])
    assert result.exit_code == 0, result.output
    assert "6 rows: 5 loaded, 1 rejected" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("line_id,description\nL1,x\n")
    result = runner.invoke(app, ["screening", "ingest", str(bad)])
    assert result.exit_code == 2
    assert "missing column(s) entry_number" in result.output
    result = runner.invoke(app, ["screening", "ingest", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_a_line_id_repeated_anywhere_in_the_file_is_rejected_after_its_first_row(
        sworld: ScreeningWorld, tmp_path: Path) -> None:
    lines = _sample(sworld, 700, 6000)
    copies = pl.concat([lines, lines.slice(10, 1), lines.slice(650, 2)])  # rows 701-703 repeat 11, 651, 652
    parquet, csv_path = tmp_path / "d.parquet", tmp_path / "d.csv"
    copies.write_parquet(parquet)
    copies.with_columns(pl.col("arrival_date").cast(pl.String)).write_csv(csv_path)
    with ThreadPoolExecutor(2) as workers:  # chunks read apart, in parallel
        split = ingest_file(sworld.viewer, parquet, chunk_rows=300, mentions=False, executor=workers)
    whole = ingest_file(sworld.viewer, csv_path, chunk_rows=300, mentions=False)
    for report, rejects in ((split, tmp_path / "d.parquet.rejects.csv"), (whole, tmp_path / "d.csv.rejects.csv")):
        assert (report.loaded, report.rejected) == (700, 3)
        assert [(r["row"], r["reason"]) for r in csv.DictReader(rejects.open())] == [
            ("701", "line_id repeated in the file (first at row 11)"),
            ("702", "line_id repeated in the file (first at row 651)"),
            ("703", "line_id repeated in the file (first at row 652)"),
        ]


def test_csv_rows_keep_their_numbers_after_a_malformed_row(sworld: ScreeningWorld, tmp_path: Path) -> None:
    rows = _sample(sworld, 12, 7000).with_columns(pl.col("arrival_date").cast(pl.String)).to_dicts()
    rows[8]["mode"] = "rail"
    path = tmp_path / "m.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for n, row in enumerate(rows, start=1):
            w.writerow([row[c] for c in COLUMNS] + (["stray field"] if n in (3, 5) else []))
    report = ingest_file(sworld.viewer, path, chunk_rows=4, mentions=False)
    assert (report.loaded, report.rejected) == (9, 3)
    assert [(r["row"], r["reason"][:25]) for r in csv.DictReader((tmp_path / "m.csv.rejects.csv").open())] == [
        ("3", "expected 18 fields, found"), ("5", "expected 18 fields, found"), ("9", "mode rail is not one of e")]
