"""Bulk import of the seizure history from ``seizures.csv`` (docs/formats.md), one row per seizure line.

The whole file is read and validated before anything is written. A bad row is rejected with its row
number and reason, and so is every other row of the same seizure: a seizure is applied whole or not at
all. The good seizures are then written in one transaction with Core inserts in chunks and one audited
``load`` event (the tables declare ``__audit_batch_column__``). A file already applied is known by its
SHA-256; a seizure already held (its number in ``external_number``) is left alone, so loading the same
data twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core import imports
from pathways.core.clock import fiscal_year, utcnow
from pathways.core.errors import InvalidInput
from pathways.core.ids import new_id
from pathways.core.imports import Reject, RowError
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.registry.models import Recordation
from pathways.resolve.mentions import bulk_load
from pathways.resolve.models import MentionKind
from pathways.seizures.models import MODES, PRODUCT_CATEGORIES, Seizure, SeizureLine, SeizureParty, SeizureSource
from pathways.seizures.service import markings_for, party_key
from pathways.seizures.tables import SeizureImport
from pathways.store.audit import record_event
from pathways.store.base import encode_tokens
from pathways.store.numbers import allocate_numbers

COLUMNS = (
    "seizure_number", "seizure_date", "port_code", "mode", "entry_number", "importer_name", "importer_address",
    "shipper_name", "shipper_address", "origin_country", "registration_number", "product_category",
    "description", "quantity", "msrp_unit_usd", "domestic_value_usd", "disposition",
)
# Seizure-level columns: every row of one seizure must agree on them.
SEIZURE_COLUMNS = ("seizure_date", "port_code", "mode", "entry_number", "importer_name", "importer_address",
                   "shipper_name", "shipper_address", "origin_country", "disposition")
DISPOSITIONS = ("pending", "forfeited", "destroyed", "abandoned", "donated", "released")
LIMITS = {"seizure_number": 40, "port_code": 10, "entry_number": 40, "importer_name": 300, "shipper_name": 300,
          "importer_address": 600, "shipper_address": 600, "description": 1000, "registration_number": 60}
MAX_MONEY = Decimal("1000000000")
CHUNK = 5_000
CENT = Decimal("0.01")

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    rows: int = 0
    seizures: int = 0
    lines: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    already_imported: bool = False
    rejects_file: Path | None = None
    sha256: str = ""
    load_id: str = ""

    @property
    def summary(self) -> str:
        if self.already_imported:
            return f"already imported (sha256 {self.sha256[:12]}…): nothing changed"
        text = (f"{self.rows} rows: {self.seizures} seizures with {self.lines} lines loaded, "
                f"{self.unchanged} seizures already held, {len(self.rejects)} rows rejected")
        return text + (f" (see {self.rejects_file})" if self.rejects_file else "")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{name}: not valid UTF-8 (line {line}, byte {exc.start}); save the file as UTF-8") from None


def read_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """The header is checked first; rows are numbered from 1 (the header is row 0)."""
    if not data.strip():
        raise InvalidInput(f"{name} is empty: it needs a header line ({', '.join(COLUMNS)}) and rows")
    reader = csv.reader(io.StringIO(_decode(data, name), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InvalidInput(f"{name}: the header line is not CSV ({exc})") from None
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        unknown = [h for h in header if h not in COLUMNS]
        what = "; ".join(filter(None, [
            f"missing column(s) {', '.join(missing)}" if missing else "",
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            "columns out of order or repeated" if not missing and not unknown else ""]))
        raise InvalidInput(f"{name}: {what} (expected exactly: {','.join(COLUMNS)})")
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(f"{name}: row {number + 1} is not valid CSV ({exc})") from None
        number += 1
        if values and any(v.strip() for v in values):
            yield number, values


def _money(text: str, what: str) -> Decimal:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise RowError(f"{what} {text!r} is not a number") from None
    if not d.is_finite() or d < 0 or d > MAX_MONEY:
        raise RowError(f"{what} must be between 0 and {MAX_MONEY:,}")
    return d.quantize(CENT)


def parse_row(v: list[str]) -> dict[str, Any]:
    """One row's values, or RowError saying what is wrong (positions follow ``COLUMNS``)."""
    if len(v) != len(COLUMNS):
        raise RowError(f"has {len(v)} fields, the header has {len(COLUMNS)}")
    row: dict[str, Any] = dict(zip(COLUMNS, (x.strip() for x in v), strict=True))
    for name, limit in LIMITS.items():
        if len(row[name]) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
    for name in ("seizure_number", "port_code", "entry_number", "registration_number"):
        if not row[name]:
            raise RowError(f"{name} is empty")
    try:
        day = date.fromisoformat(row["seizure_date"])
    except ValueError:
        raise RowError(f"seizure_date {row['seizure_date']!r} is not a date (YYYY-MM-DD)") from None
    if row["mode"] not in MODES:
        raise RowError(f"mode {row['mode']!r} is not one of {', '.join(MODES)}")
    origin = row["origin_country"].upper()
    if len(origin) != 2 or not origin.isalpha():
        raise RowError(f"origin_country {row['origin_country']!r} is not a two-letter country code")
    if row["product_category"] not in PRODUCT_CATEGORIES:
        raise RowError(f"product_category {row['product_category']!r} is not one of the 12 categories")
    if not row["quantity"].isdigit() or int(row["quantity"]) < 1:
        raise RowError(f"quantity {row['quantity']!r} is not a whole number of at least 1")
    if row["disposition"] not in DISPOSITIONS:
        raise RowError(f"disposition {row['disposition']!r} is not one of {', '.join(DISPOSITIONS)}")
    quantity = int(row["quantity"])
    if quantity > 100_000_000:
        raise RowError("quantity is over 100,000,000")
    unit = _money(row["msrp_unit_usd"], "msrp_unit_usd")
    row.update(seizure_date=day, origin_country=origin, quantity=quantity, msrp_unit_usd=unit,
               msrp_total_usd=(unit * quantity).quantize(CENT),
               domestic_value_usd=_money(row["domestic_value_usd"], "domestic_value_usd"))
    return row


@dataclass
class _Group:
    first_row: int
    head: dict[str, Any]
    lines: list[tuple[int, dict[str, Any], list[str] | None]] = field(default_factory=list)
    error: str = ""


def _text(row: dict[str, Any]) -> list[str]:
    return [str(row.get(c, "")) for c in COLUMNS]


def _allocate(session: Session, year: int, count: int) -> Iterator[str]:
    """``count`` seizure numbers of one calendar year from the shared counter (``SZ 26-000123``)."""
    return iter(allocate_numbers(session, "SZ", count, year=year, width=6))


def import_seizures(session: Session, viewer: Viewer, path: Path, *, rejects_path: Path | None = None,
                    progress: Progress | None = None) -> ImportReport:
    identity.require_role(viewer, Role.ADMIN, Role.SUPERVISOR, Role.BORDER_OFFICER)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(sha256=sha)
    if session.execute(select(SeizureImport.id).where(SeizureImport.sha256 == sha)).first():
        report.already_imported = True
        return report

    # 1. validate everything, in memory, grouping rows into seizures
    recordations = {r: (i, n, m) for r, i, n, m in session.execute(
        select(Recordation.registration_number, Recordation.id, Recordation.record_number, Recordation.mark))}
    groups: dict[str, _Group] = {}
    loose: list[Reject] = []
    for number, values in read_rows(data, path.name):
        report.rows += 1
        try:
            row = parse_row(values)
            if row["registration_number"] not in recordations:
                raise RowError(f"registration_number {row['registration_number']!r} is not a recordation "
                               "(import the recordations first)")
        except RowError as exc:
            key = values[0].strip() if values else ""
            if key in groups:
                groups[key].error = groups[key].error or f"row {number} of this seizure was rejected"
                groups[key].lines.append((number, {}, values))
                loose.append(Reject(number, str(exc), values))
            else:
                loose.append(Reject(number, str(exc), values))
                groups.setdefault(key, _Group(number, {}, error=f"row {number} of this seizure was rejected"))
            continue
        group = groups.get(row["seizure_number"])
        if group is None:
            groups[row["seizure_number"]] = _Group(number, row, [(number, row, None)])
            continue
        if not group.head:
            group.lines.append((number, row, None))
            continue
        differs = [c for c in SEIZURE_COLUMNS if row[c] != group.head[c]]
        if differs:
            loose.append(Reject(number, f"{', '.join(differs)} differ from row {group.first_row} of seizure "
                                        f"{row['seizure_number']}", values))
            group.error = group.error or f"row {number} of this seizure was rejected"
        group.lines.append((number, row, None))  # the raw text is kept only for rejected rows
        if progress and report.rows % 50_000 == 0:
            progress("validate", 50_000, 0)
    rejected_rows = {r.row for r in loose}
    report.rejects = loose
    for key, group in groups.items():
        if group.error:
            report.rejects.extend(Reject(n, f"seizure {key}: {group.error}", v if v is not None else _text(row))
                                  for n, row, v in group.lines if n not in rejected_rows)
    report.rejects.sort(key=lambda r: r.row)
    good = [(k, g) for k, g in groups.items() if not g.error and g.head]

    # 2. what is already held
    held = set(session.execute(select(Seizure.external_number).where(Seizure.source == SeizureSource.IMPORT))
               .scalars())
    fresh = [(k, g) for k, g in good if k not in held]
    report.unchanged = len(good) - len(fresh)

    # 3. apply in chunks, one audited load event
    load_id = new_id()
    report.load_id = load_id
    markings = {**_marking_columns(markings_for(viewer)), "load_id": load_id}
    now = utcnow()
    by_year: dict[int, int] = {}
    for _, g in fresh:
        by_year[g.head["seizure_date"].year] = by_year.get(g.head["seizure_date"].year, 0) + 1
    numbers = {year: _allocate(session, year, n) for year, n in sorted(by_year.items())}
    seizures: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []  # the parties again, for entity resolution

    def flush(force: bool = False) -> None:
        # Seizures first, always with their lines and parties, so every foreign key finds its row.
        if not force and max(len(seizures), len(lines), len(parties)) < CHUNK:
            return
        for model, rows in ((Seizure, seizures), (SeizureLine, lines), (SeizureParty, parties)):
            if rows:
                _insert_many(session, model.__table__, rows)
                rows.clear()

    for key, g in fresh:
        h = g.head
        sid = new_id()
        seizures.append({
            "id": sid, "seizure_number": next(numbers[h["seizure_date"].year]), "port_code": h["port_code"],
            "seized_on": h["seizure_date"], "fiscal_year": fiscal_year(h["seizure_date"]), "mode": h["mode"],
            "entry_number": h["entry_number"], "line_id": None, "origin_country": h["origin_country"],
            "source": SeizureSource.IMPORT, "external_number": key, "disposition": h["disposition"],
            "disposition_on": None, "detention_id": None, "officer_user_id": viewer.user_id, "notes": "",
            "importer_name": h["importer_name"], "importer_address": h["importer_address"], "importer_country": "",
            "shipper_name": h["shipper_name"], "shipper_address": h["shipper_address"],
            "shipper_country": h["origin_country"], "consignee_name": "", "consignee_address": "",
            "created_at": now, "updated_at": now, **markings})
        for position, (_, row, _) in enumerate(g.lines, start=1):
            rec_id, rec_number, mark = recordations[row["registration_number"]]
            lines.append({
                "id": new_id(), "seizure_id": sid, "position": position, "product_category": row["product_category"],
                "recordation_id": rec_id, "record_number": rec_number,
                "registration_number": row["registration_number"],
                "mark": mark, "description": row["description"], "quantity": row["quantity"],
                "msrp_unit_usd": row["msrp_unit_usd"], "msrp_total_usd": row["msrp_total_usd"],
                "domestic_value_usd": row["domestic_value_usd"], "load_id": load_id})
        for role, value in (("importer", h["importer_name"]), ("importer_address", h["importer_address"]),
                            ("shipper", h["shipper_name"]), ("shipper_address", h["shipper_address"])):
            k = party_key(value)
            if k:
                parties.append({"id": new_id(), "record_type": "seizure", "record_id": sid, "role": role,
                                "value": value[:600], "normalized": k[:600], "created_at": now, "load_id": load_id})
                kind = MentionKind.ADDRESS if role.endswith("_address") else MentionKind.ORGANIZATION
                mentions.append({"kind": kind.value, "value": value[:500], "normalized": k[:500],
                                 "source": "seizures", "record_type": "seizure", "record_id": sid,
                                 "field": role.removesuffix("_address")})
        report.seizures += 1
        report.lines += len(g.lines)
        flush()
        if progress and report.seizures % 10_000 == 0:
            progress("write", 10_000, len(fresh))
    flush(force=True)
    bulk_load(session, mentions=mentions, markings=markings_for(viewer), load_id=load_id, source="seizures")

    if report.rejects:
        report.rejects_file = write_rejects(rejects_path or path.with_name(path.name + ".rejects.csv"), report.rejects)
    session.add(SeizureImport(sha256=sha, filename=path.name[:400], load_id=load_id, rows=report.rows,
                              seizures=report.seizures, lines=report.lines, unchanged=report.unchanged,
                              rejected=len(report.rejects), imported_at=now))
    record_event(session, "load", Seizure.__tablename__, load_id, file=path.name, sha256=sha, rows=report.rows,
                 seizures=report.seizures, lines=report.lines, unchanged=report.unchanged,
                 rejected=len(report.rejects))
    session.flush()
    return report


def _insert_many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """One driver-level executemany: the ORM's bulk path costs more than the database here.

    Values pass through each column type's own bind processor, so they are stored exactly as the
    ORM would store them (dates, money and timestamps on SQLite included)."""
    conn = session.connection()
    dialect = conn.dialect
    cols = list(rows[0])
    procs = [table.c[c].type.bind_processor(dialect) for c in cols]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
           f"VALUES ({', '.join([mark] * len(cols))})")
    pairs = list(zip(cols, procs, strict=True))
    conn.exec_driver_sql(sql, [tuple(p(r[c]) if p else r[c] for c, p in pairs) for r in rows])


def _marking_columns(m: Any) -> dict[str, Any]:
    return {"classification": int(m.classification), "caveats": encode_tokens(m.caveats),
            "compartments": encode_tokens(m.compartments), "releasable_to": encode_tokens(m.releasable_to),
            "owner_org_id": m.owner_org_id, "owner_office_id": m.owner_office_id}


def write_rejects(path: Path, rejects: list[Reject]) -> Path:
    return imports.write_rejects(path, COLUMNS, rejects)


def demo_step(world_dir: Path) -> str:
    """``pathways demo``: load the world's seizures.csv (a second run finds it already imported)."""
    from pathways.core.policy import system_viewer
    from pathways.store.session import unit_of_work

    path = world_dir / "seizures.csv"
    if not path.exists():
        return f"seizures: no {path.name} in {world_dir}; nothing to load"
    with unit_of_work(system_viewer("cli")) as session:
        viewer = system_viewer("cli", identity.agency(session).id)
    with unit_of_work(viewer) as session:
        report = import_seizures(session, viewer, path)
    return f"seizures: {path.name}: {report.summary}"
