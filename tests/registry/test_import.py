"""Bulk import: validated whole, bad rows to a rejects file, applied whole, twice changes nothing."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pathways.cli import app
from pathways.core.errors import InvalidInput
from pathways.registry import importer
from pathways.registry.models import Recordation
from pathways.registry.search import SearchQuery, search
from pathways.store.audit import AuditEvent
from pathways.store.session import unit_of_work

HEADER = ",".join(importer.COLUMNS)


def row(regno: str, mark: str, **over: str) -> dict[str, str]:
    base = {
        "type": "trademark", "registration_number": regno, "mark": mark, "owner": f"{mark.title()} Group Ltd.",
        "owner_country": "GB", "classes": "25;18", "goods": "clothing;handbags",
        "authorized_manufacturers": "Shenzhen Able Garment Co.|CN;Hanoi Stitch Co.|VN",
        "authorized_countries": "CN;VN", "gray_market": "false", "msrp_usd": "129.00", "expires": "2031-05-01",
    }
    base.update(over)
    return base


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=importer.COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def count(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.execute(select(func.count()).select_from(Recordation)).scalar_one())


def tag() -> str:
    return uuid.uuid4().hex[:6].upper()


def test_good_rows_apply_bad_rows_are_rejected_with_row_and_reason(tmp_path: Path, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    t = tag()
    rows = [
        row(f"R1-{t}", f"ALPHA {t}"),
        row(f"R2-{t}", f"BETA {t}", owner_country="ZZ"),
        row(f"R3-{t}", f"GAMMA {t}", classes="25;99"),
        row(f"R1-{t}", f"ALPHA {t}"),  # duplicate of row 1
        row(f"R5-{t}", f"DELTA {t}", type="copyright", classes="", goods="software"),
        row(f"R6-{t}", f"EPSILON {t}", expires="soon"),
        row(f"R7-{t}", f"ZETA {t}", authorized_manufacturers="no country here"),
        row(f"R8-{t}", "ÉTOILE " + t, gray_market="true"),
    ]
    path = write(tmp_path / "rec.csv", rows)
    with unit_of_work(cli_viewer) as session:
        before = count(session)
        report = importer.import_recordations(session, cli_viewer, path)
    assert (report.rows, report.created, len(report.rejects)) == (8, 3, 5)
    with report.rejects_file.open() as f:  # type: ignore[union-attr]
        rejects = {int(r["row"]): r["reason"] for r in csv.DictReader(f)}
    assert "ZZ" in rejects[2] and "1 to 45" in rejects[3] and "duplicate of row 1" in rejects[4]
    assert "not a date" in rejects[6] and "name|country" in rejects[7]
    with unit_of_work(cli_viewer) as session:
        assert count(session) == before + 3
        rec = session.execute(select(Recordation).where(Recordation.registration_number == f"R1-{t}")).scalar_one()
        assert rec.status == "active" and rec.class_numbers == [18, 25] and rec.manufacture_countries == ["CN", "VN"]
        assert [c["goods"] for c in rec.classes] == ["handbags", "clothing"] or len(rec.classes) == 2
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "import")
                                .order_by(AuditEvent.seq.desc())).scalars().first()
        assert event is not None and report.sha256 in event.detail and '"created": 3' in event.detail
        creates = session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "create", AuditEvent.object_id == rec.id)).scalar_one()
        assert creates == 1


def test_importing_the_same_file_or_the_same_rows_twice_changes_nothing(tmp_path: Path, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    t = tag()
    rows = [row(f"S{i}-{t}", f"SAME {t} {i}") for i in range(5)]
    path = write(tmp_path / "a.csv", rows)
    with unit_of_work(cli_viewer) as session:
        assert importer.import_recordations(session, cli_viewer, path).created == 5
    with unit_of_work(cli_viewer) as session:
        again = importer.import_recordations(session, cli_viewer, path)
        assert again.already_imported and again.created == 0
    # the same rows in a different file (another order, a trailing blank line): all unchanged
    other = write(tmp_path / "b.csv", list(reversed(rows)))
    other.write_text(other.read_text() + "\n")
    with unit_of_work(cli_viewer) as session:
        report = importer.import_recordations(session, cli_viewer, other)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    # one row changed: only that one is updated
    rows[0]["msrp_usd"] = "150.00"
    with unit_of_work(cli_viewer) as session:
        report = importer.import_recordations(session, cli_viewer, write(tmp_path / "c.csv", rows))
        assert (report.created, report.updated, report.unchanged) == (0, 1, 4)


def test_nothing_is_half_applied(tmp_path: Path, cli_viewer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t = tag()
    path = write(tmp_path / "big.csv", [row(f"H{i}-{t}", f"HALF {t} {i}") for i in range(30)])
    monkeypatch.setattr(importer, "BATCH", 10)
    calls = {"n": 0}

    def fail_on_second_batch(stage: str, advance: int, total: int) -> None:
        if stage == "write":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")

    with unit_of_work(cli_viewer) as session:
        before = count(session)
    with pytest.raises(RuntimeError), unit_of_work(cli_viewer) as session:
        importer.import_recordations(session, cli_viewer, path, progress=fail_on_second_batch)
    with unit_of_work(cli_viewer) as session:
        assert count(session) == before
        assert importer.import_recordations(session, cli_viewer, path).created == 30


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"type,mark\ntrademark,X\n", "missing column(s) registration_number"),
        ((HEADER + ",colour\n").encode(), "unknown column(s) colour"),
    ],
)
def test_empty_and_wrong_files_fail_with_one_line_and_exit_2(tmp_path: Path, cli_viewer, content: bytes,  # type: ignore[no-untyped-def]
                                                             message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with unit_of_work(cli_viewer) as session, pytest.raises(InvalidInput, match=message.replace("(", r"\(")
                                                             .replace(")", r"\)")):
        importer.import_recordations(session, cli_viewer, path)
    result = CliRunner().invoke(app, ["registry", "import", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr.replace("\n", " ") and "Traceback" not in result.output


def test_header_only_broken_utf8_and_huge_fields(tmp_path: Path, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    only_header = tmp_path / "header.csv"
    only_header.write_text(HEADER + "\n")
    with unit_of_work(cli_viewer) as session:
        assert importer.import_recordations(session, cli_viewer, only_header).rows == 0
    t = tag()
    path = write(tmp_path / "mixed.csv", [row(f"U1-{t}", f"UNICODE {t}"), row(f"U2-{t}", "PLACEHOLDER"),
                                          row(f"U3-{t}", "X" * 2_000_000)])
    raw = path.read_bytes().replace(b"PLACEHOLDER", b"BAD \xff\xfe BYTES")
    path.write_bytes(raw)
    with unit_of_work(cli_viewer) as session:
        report = importer.import_recordations(session, cli_viewer, path)
    reasons = {r.row: r.reason for r in report.rejects}
    assert report.created == 1 and "not valid UTF-8" in reasons[2] and "longer than 300" in reasons[3]


def test_imported_recordations_are_publicly_searchable(tmp_path: Path, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    from pathways.core.policy import anonymous

    t = tag()
    path = write(tmp_path / "pub.csv", [row(f"P1-{t}", f"PUBLICO {t}"), row(f"P2-{t}", f"OLDMARK {t}",
                                                                                expires="2019-01-01")])
    with unit_of_work(cli_viewer) as session:
        importer.import_recordations(session, cli_viewer, path)
    with unit_of_work(anonymous()) as session:
        hits = search(session, anonymous(), SearchQuery(q=t)).hits
        statuses = {h.recordation.mark: h.recordation.status for h in hits}
    assert statuses == {f"PUBLICO {t}": "active", f"OLDMARK {t}": "expired"}


def test_the_audit_chain_stays_whole_after_an_import(tmp_path: Path, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    from pathways.identity.service import operator_viewer
    from pathways.store.audit import verify_chain

    t = tag()
    path = write(tmp_path / "chain.csv", [row(f"C{i}-{t}", f"CHAIN {t} {i}") for i in range(25)])
    viewer = operator_viewer()  # exactly what the command does
    with unit_of_work(viewer) as session:
        importer.import_recordations(session, viewer, path)
    with unit_of_work(cli_viewer) as session:  # a later write must not collide with the import's events
        importer.import_recordations(session, cli_viewer, write(tmp_path / "more.csv", [row(f"M-{t}", f"MORE {t}")]))
    with unit_of_work(cli_viewer, readonly=True) as session:
        report = verify_chain(session)
    assert report.intact, report.reason
