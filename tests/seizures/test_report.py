"""The seizure history import and the annual statistics, checked against sums done by hand over the CSV."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pathways.core.clock import fiscal_year
from pathways.core.policy import Viewer, system_viewer
from pathways.identity import service as identity
from pathways.registry.importer import import_recordations
from pathways.seizures import report as reports
from pathways.seizures.importer import COLUMNS, import_seizures
from pathways.seizures.models import Seizure, SeizureLine
from pathways.store.session import unit_of_work

WORLD_SEED = 7


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pathways.world.generate import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=WORLD_SEED, scale="tiny")
    return out


@pytest.fixture()
def loaded(world: Path, fresh_database: str) -> Iterator[Viewer]:
    """A database of its own holding the world's recordations and seizure history."""
    with unit_of_work(system_viewer("test")) as session:
        viewer = system_viewer("test", identity.agency(session).id)
    with unit_of_work(viewer) as session:
        import_recordations(session, viewer, world / "recordations.csv")
    with unit_of_work(viewer) as session:
        rep = import_seizures(session, viewer, world / "seizures.csv")
        assert not rep.rejects and rep.lines > 0
    yield viewer


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_report_figures_match_sums_done_by_hand(world: Path, loaded: Viewer) -> None:
    rows = rows_of(world / "seizures.csv")
    fy = max(fiscal_year(date.fromisoformat(r["seizure_date"])) for r in rows) - 1
    year = [r for r in rows if fiscal_year(date.fromisoformat(r["seizure_date"])) == fy]
    assert year, "the tiny world has seizures in the year before its last"

    def msrp(r: dict[str, str]) -> Decimal:
        return Decimal(r["msrp_unit_usd"]) * int(r["quantity"])

    seizures = {r["seizure_number"] for r in year}
    by_seizure: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in year:
        by_seizure[r["seizure_number"]].append(r)
    with unit_of_work(loaded, readonly=True) as session:
        rep = reports.build_report(session, loaded, fy)

    assert (rep.seizures, rep.lines) == (len(seizures), len(year))
    assert rep.quantity == sum(int(r["quantity"]) for r in year)
    assert Decimal(str(rep.msrp)) == sum(msrp(r) for r in year)

    cat_msrp: dict[str, Decimal] = defaultdict(Decimal)
    for r in year:
        cat_msrp[r["product_category"]] += msrp(r)
    assert {c.key: Decimal(str(c.msrp)) for c in rep.by_category if c.lines} == dict(cat_msrp)
    assert {c.key: c.lines for c in rep.by_category if c.lines} == dict(Counter(r["product_category"] for r in year))
    assert len(rep.by_category) == 12

    origin_seizures = Counter(v[0]["origin_country"] for v in by_seizure.values())
    assert {o.key: o.seizures for o in rep.by_origin} == dict(origin_seizures)

    mode_seizures = Counter(v[0]["mode"] for v in by_seizure.values())
    assert {m.key: m.seizures for m in rep.by_mode} == dict(mode_seizures)
    de_minimis = [k for k, v in by_seizure.items() if v[0]["mode"] in ("express", "mail")
                  and sum(Decimal(x["domestic_value_usd"]) for x in v) <= 800]
    assert rep.de_minimis.seizures == len(de_minimis)
    assert rep.de_minimis.lines == sum(len(by_seizure[k]) for k in de_minimis)

    port_seizures = Counter(v[0]["port_code"] for v in by_seizure.values())
    assert rep.top_ports[0].seizures == max(port_seizures.values())
    assert {p.key: p.seizures for p in rep.top_ports} == {k: n for k, n in port_seizures.items()
                                                          if k in {p.key for p in rep.top_ports}}

    trend = Counter(fiscal_year(date.fromisoformat(v[0]["seizure_date"])) for v in
                    {r["seizure_number"]: [r] for r in rows}.values())
    assert [(t.label, t.seizures) for t in rep.trend] == [(f"FY{y}", trend.get(y, 0)) for y in range(fy - 4, fy + 1)]

    biggest = max(by_seizure.values(), key=lambda v: sum(msrp(x) for x in v))
    assert rep.notable[0].external_number == biggest[0]["seizure_number"]
    assert Decimal(str(rep.notable[0].msrp)) == sum(msrp(x) for x in biggest)
    assert rep.summary[0].startswith(f"In FY{fy}") and f"{len(seizures):,} seizures" in rep.summary[0]


def test_csv_html_and_pdf_carry_the_same_numbers(loaded: Viewer) -> None:
    with unit_of_work(loaded, readonly=True) as session:
        fy = reports.latest_fiscal_year(session, loaded) - 1
        rep = reports.build_report(session, loaded, fy)
    table = list(csv.DictReader(reports.render(rep, "csv").decode().splitlines()))
    total = next(r for r in table if r["section"] == "total")
    assert (int(total["seizures"]), int(total["lines"])) == (rep.seizures, rep.lines)
    assert {r["section"] for r in table} >= {"category", "origin", "mode", "de_minimis", "port", "trend", "notable"}
    html = reports.render(rep, "html").decode()
    assert f"FY{fy}" in html and "<svg" in html and "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert f'id="fig-seizures">{rep.seizures:,}<' in html
    for title in ("Executive summary", "by product category", "economy of origin", "mode of transport",
                  "Top ports", "Five-year trend", "Notable seizures"):
        assert title in html
    pdf = reports.render(rep, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_loading_the_same_file_twice_changes_nothing(world: Path, loaded: Viewer) -> None:
    def count() -> tuple[int, int]:
        with unit_of_work(loaded, readonly=True) as session:
            return (session.execute(select(func.count()).select_from(Seizure)).scalar_one(),
                    session.execute(select(func.count()).select_from(SeizureLine)).scalar_one())

    before = count()
    with unit_of_work(loaded) as session:
        again = import_seizures(session, loaded, world / "seizures.csv")
    assert again.already_imported and count() == before
    copy = world / "copy-of-seizures.csv"  # same rows, different bytes: every seizure is already held
    copy.write_bytes((world / "seizures.csv").read_bytes() + b"\n")
    with unit_of_work(loaded) as session:
        third = import_seizures(session, loaded, copy)
    assert third.seizures == 0 and third.unchanged == before[0] and count() == before


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    return path


def test_bad_rows_reject_their_whole_seizure_with_row_numbers(world: Path, loaded: Viewer, tmp_path: Path) -> None:
    regno = rows_of(world / "recordations.csv")[0]["registration_number"]
    good = ["20269999000001", "2026-03-02", "9999", "mail", "E-1", "Imp", "1 Road", "Ship", "2 Road", "HK", regno,
            "Toys", "toy cars", "4", "10.00", "5.00", "pending"]
    bad_qty = [*good[:13], "four", *good[14:]]
    other = ["20269999000002", *good[1:12], "dolls", "2", "20.00", "8.00", "destroyed"]
    unknown = ["20269999000003", *good[1:10], "TMK 99-99999", *good[11:]]
    path = _write(tmp_path / "s.csv", [good, bad_qty, other, unknown])
    with unit_of_work(loaded) as session:
        rep = import_seizures(session, loaded, path)
    assert (rep.seizures, rep.lines) == (1, 1)
    reasons = {r.row: r.reason for r in rep.rejects}
    assert "quantity 'four'" in reasons[2]
    assert "row 2 of this seizure was rejected" in reasons[1]
    assert "not a recordation" in reasons[4]
    assert rep.rejects_file is not None and rep.rejects_file.read_text().splitlines()[0].startswith("row,reason,")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pathways.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"seizure_number,seizure_date\n1,2026-01-01\n", "missing column(s)"),
    (",".join(COLUMNS).encode() + b"\n2026\xff\xfe,2026-01-01\n", "not valid UTF-8 (line 2"),
])
def test_cli_refuses_broken_files_in_one_line(tmp_path: Path, database_url: str, content: bytes,
                                              message: str) -> None:
    path = tmp_path / "seizures.csv"
    path.write_bytes(content)
    done = run_cli("seizures", "import", str(path))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3


def test_cli_writes_the_report_in_each_format(loaded: Viewer, tmp_path: Path) -> None:
    with unit_of_work(loaded, readonly=True) as session:
        fy = reports.latest_fiscal_year(session, loaded)
    for fmt in reports.FORMATS:
        out = tmp_path / f"report.{fmt}"
        done = run_cli("report", "seizures", "--fy", str(fy), "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert f"FY{fy}" in done.stdout and out.stat().st_size > 500
    done = run_cli("report", "seizures", "--fy", str(fy), "--format", "docx", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "is not one of html, pdf, csv" in done.stderr
