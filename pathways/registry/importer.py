"""Bulk import of recordations from CSV (format in docs/formats.md, "Recordations import").

The whole file is read and validated before anything is written. Bad rows go to a rejects file
with their row number and reason; the good rows are then applied in one transaction, in batches
through the ORM (so every row gets its audit event), and one ``import`` event records the file's
SHA-256 and counts. A file already applied is recognised by its hash; a row already recorded
unchanged is left alone, so loading the same data twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core import imports
from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput
from pathways.core.imports import Reject, RowError
from pathways.core.policy import OrgKind, Role, Viewer
from pathways.identity import service as identity
from pathways.identity.models import Organization
from pathways.registry import validate
from pathways.registry.models import Kind, Recordation, RecordationImport, Status
from pathways.registry.normalize import fold
from pathways.registry.service import RENEWAL_WINDOW, allocate_numbers, markings_for
from pathways.store.audit import AuditEvent, record_event
from pathways.store.base import encode_tokens

COLUMNS = (
    "type", "registration_number", "mark", "owner", "owner_country", "classes", "goods",
    "authorized_manufacturers", "authorized_countries", "gray_market", "msrp_usd", "expires",
)
LIMITS = {"registration_number": 60, "mark": 300, "owner": 300, "goods": 5000, "classes": 400,
          "authorized_manufacturers": 5000, "authorized_countries": 400}
MAX_FIELD = 64 * 1024 * 1024  # the csv module's own limit, raised so an oversized field is a reject, not a crash
BATCH = 2000
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}
# The columns an imported row sets; a re-import compares exactly these.
DIGESTED = ("kind", "registration_number", "mark", "owner_name", "owner_country", "classes_json", "authorized_json",
            "places_of_manufacture", "gray_market", "msrp_usd", "expires_on")

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    already_imported: bool = False
    rejects_file: Path | None = None
    sha256: str = ""

    @property
    def summary(self) -> str:
        if self.already_imported:
            return f"already imported (sha256 {self.sha256[:12]}…): nothing changed"
        text = (f"{self.rows} rows: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.rejects)} rejected")
        return text + (f" (see {self.rejects_file})" if self.rejects_file else "")


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _limit(row: dict[str, str], name: str) -> str:
    value = row[name].strip()
    if len(value) > LIMITS.get(name, 1000):
        raise RowError(f"{name} is longer than {LIMITS.get(name, 1000)} characters ({len(value)})")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise RowError(f"{name} contains control characters")
    return value


def _country(code: str, what: str) -> str:
    try:
        return validate.country(code, what)
    except InvalidInput as exc:
        raise RowError(exc.detail) from None


def parse_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as recordation column values, or RowError saying what is wrong."""
    for name, value in row.items():
        if any("\udc80" <= ch <= "\udcff" for ch in value or ""):
            raise RowError(f"{name} is not valid UTF-8")
    kind = row["type"].strip().lower().replace(" ", "_")
    if kind not in Kind.ALL:
        raise RowError(f"type {row['type']!r} is not one of {', '.join(Kind.ALL)}")
    regno = _limit(row, "registration_number")
    if not regno:
        raise RowError("registration_number is empty")
    mark = _limit(row, "mark")
    if not fold(mark):
        raise RowError("mark has no letters or digits")
    owner = _limit(row, "owner")
    if not owner:
        raise RowError("owner is empty")
    try:
        numbers = sorted({int(c) for c in _split(_limit(row, "classes"))})
    except ValueError:
        raise RowError(f"classes {row['classes']!r} are not ;-separated numbers") from None
    if any(not 1 <= n <= 45 for n in numbers):
        raise RowError("classes must be international classes 1 to 45")
    if kind == Kind.TRADEMARK and not numbers:
        raise RowError("a trademark needs at least one class")
    goods = _split(_limit(row, "goods"))
    if numbers and len(goods) == len(numbers):
        classes = [{"goods": g, "number": n} for n, g in zip(numbers, goods, strict=True)]
    else:
        classes = [{"goods": "; ".join(goods), "number": n} for n in numbers]
    makers = []
    for item in _split(_limit(row, "authorized_manufacturers")):
        name, sep, ctry = item.rpartition("|")
        if not sep or not name.strip():
            raise RowError(f"manufacturer {item!r} is not name|country")
        makers.append({"country": _country(ctry, "manufacturer country"), "name": name.strip(),
                       "role": "manufacturer", "use": "manufacture"})
    countries = {_country(c, "authorized country") for c in _split(_limit(row, "authorized_countries"))}
    countries |= {m["country"] for m in makers}
    gray = row["gray_market"].strip().lower()
    if gray not in TRUE | FALSE:
        raise RowError(f"gray_market {row['gray_market']!r} is not true or false")
    try:
        msrp = Decimal(row["msrp_usd"].strip()) if row["msrp_usd"].strip() else None
    except InvalidOperation:
        raise RowError(f"msrp_usd {row['msrp_usd']!r} is not a number") from None
    if msrp is not None and (not msrp.is_finite() or msrp < 0 or msrp > 10_000_000):
        raise RowError("msrp_usd must be between 0 and 10,000,000")
    try:
        expires = date.fromisoformat(row["expires"].strip())
    except ValueError:
        raise RowError(f"expires {row['expires']!r} is not a date (YYYY-MM-DD)") from None
    return {
        "kind": kind,
        "registration_number": regno,
        "mark": mark,
        "mark_folded": fold(mark)[:300],
        "owner_name": owner,
        "owner_country": _country(row["owner_country"], "owner_country"),
        "classes_json": json.dumps(classes, ensure_ascii=False, sort_keys=True),
        "class_tokens": encode_tokens({str(n) for n in numbers}),
        "authorized_json": json.dumps(makers, ensure_ascii=False, sort_keys=True),
        "places_of_manufacture": encode_tokens(countries),
        "gray_market": gray in TRUE,
        "msrp_usd": msrp.quantize(Decimal("0.01")) if msrp is not None else None,
        "expires_on": expires,
    }


def digest(values: dict[str, Any]) -> str:
    body = {k: str(values[k]) for k in DIGESTED}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_rows(data: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    """Header checked, rows numbered from 1 (the header is line 1 of the file, row 0)."""
    if not data.strip():
        raise InvalidInput(f"{name} is empty: it needs a header line ({', '.join(COLUMNS)}) and rows")
    text = data.decode("utf-8-sig", errors="surrogateescape")
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InvalidInput(f"{name}: the header line is not CSV ({exc})") from None
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if len(set(header)) != len(header):
            parts.append("a column appears twice")
        raise InvalidInput(f"{name}: {'; '.join(parts)} (required: {', '.join(COLUMNS)})")
    rows: list[tuple[int, dict[str, str]]] = []
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InvalidInput(f"{name}: row {number + 1} is not valid CSV ({exc})") from None
        number += 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            rows.append((number, {"__error__": f"has {len(values)} fields, the header has {len(header)}",
                                  "__raw__": values}))  # type: ignore[dict-item]
            continue
        rows.append((number, dict(zip(header, values, strict=True))))
    return rows


def import_recordations(
    session: Session,
    viewer: Viewer,
    path: Path,
    *,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    identity.require_role(viewer, Role.ADMIN, Role.SUPERVISOR, Role.BORDER_OFFICER)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(sha256=sha)
    if session.execute(select(RecordationImport.id).where(RecordationImport.sha256 == sha)).first():
        report.already_imported = True
        return report
    rows = read_rows(data, path.name)
    report.rows = len(rows)

    # 1. validate everything, in memory
    good: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        if "__error__" in row:
            report.rejects.append(Reject(number, row["__error__"], list(row["__raw__"])))
            continue
        try:
            values = parse_row(row)
        except RowError as exc:
            report.rejects.append(Reject(number, str(exc), [row.get(c, "") for c in COLUMNS]))
            continue
        key = (values["kind"], values["registration_number"])
        if key in seen:
            report.rejects.append(Reject(number, f"duplicate of row {seen[key]} (same type and registration_number)",
                                         [row.get(c, "") for c in COLUMNS]))
            continue
        seen[key] = number
        good.append((number, values))
        if progress and number % 5000 == 0:
            progress("validate", 5000, len(rows))

    # 2. compare with what is recorded
    existing = {(k, r): (i, d) for k, r, i, d in session.execute(
        select(Recordation.kind, Recordation.registration_number, Recordation.id, Recordation.import_digest)
    )}
    agency_id = viewer.agency_org_id or identity.agency(session).id
    owners = {name: oid for name, oid in session.execute(select(Organization.name, Organization.id).where(
        Organization.kind == OrgKind.RIGHTS_OWNER.value))}
    today = utcnow().date()
    fresh: list[tuple[int, dict[str, Any]]] = []
    changed: list[tuple[str, dict[str, Any]]] = []
    for number, values in good:
        values["import_digest"] = digest(values)
        found = existing.get((values["kind"], values["registration_number"]))
        if found is None:
            fresh.append((number, values))
        elif found[1] is None:
            report.rejects.append(Reject(number, f"{values['registration_number']} is already recorded through "
                                         "the portal; change it there", []))
        elif found[1] == values["import_digest"]:
            report.unchanged += 1
        else:
            changed.append((found[0], values))

    # 3. apply, in batches
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for _, values in fresh:
        by_kind.setdefault(values["kind"], []).append(values)
    for kind, items in by_kind.items():
        for values, record_number in zip(items, allocate_numbers(session, kind, len(items)), strict=True):
            values["record_number"] = record_number
    done = 0
    for start in range(0, len(fresh), BATCH):
        for _, values in fresh[start : start + BATCH]:
            rec = Recordation(**values)
            rec.owner_org_id = owners.get(values["owner_name"], agency_id)
            _mark(rec, today, agency_id)
            session.add(rec)
        session.flush()
        # Keep memory flat: the batch and its audit events are written. The audit head stays in the
        # session (expunging it would lose the next flush's head update).
        for obj in list(session.identity_map.values()):
            if isinstance(obj, (Recordation, AuditEvent)):
                session.expunge(obj)
        done += min(BATCH, len(fresh) - start)
        if progress:
            progress("write", min(BATCH, len(fresh) - start), len(fresh))
    for rid, values in changed:
        current = session.get(Recordation, rid)
        assert current is not None
        for column, value in values.items():
            setattr(current, column, value)
        _mark(current, today, agency_id)
    report.created, report.updated = done, len(changed)

    if report.rejects:
        report.rejects_file = write_rejects(rejects_path or path.with_name(path.name + ".rejects.csv"), report.rejects)
    session.add(RecordationImport(sha256=sha, filename=path.name[:400], rows=report.rows, created=report.created,
                                  updated=report.updated, rejected=len(report.rejects), unchanged=report.unchanged,
                                  imported_at=utcnow()))
    record_event(session, "import", Recordation.__tablename__, None, file=path.name, sha256=sha, rows=report.rows,
                 created=report.created, updated=report.updated, unchanged=report.unchanged,
                 rejected=len(report.rejects))
    session.flush()
    return report


def _mark(rec: Recordation, today: date, agency_id: str) -> None:
    status = Status.EXPIRED if rec.expires_on + RENEWAL_WINDOW < today else Status.ACTIVE
    rec.status = status
    rec.apply_markings(markings_for(status, rec.owner_org_id or agency_id, agency_id))


def write_rejects(path: Path, rejects: list[Reject]) -> Path:
    return imports.write_rejects(path, COLUMNS, rejects)


def demo_step(world_dir: Path) -> str:
    """``pathways demo``: load the world's recordations.csv (a second run finds it already imported)."""
    from pathways.core.policy import system_viewer
    from pathways.store.session import unit_of_work

    path = world_dir / "recordations.csv"
    if not path.exists():
        return f"registry: no {path.name} in {world_dir}; nothing to load"
    with unit_of_work(system_viewer("cli")) as session:
        viewer = system_viewer("cli", identity.agency(session).id)
    with unit_of_work(viewer) as session:
        report = import_recordations(session, viewer, path)
    return f"registry: {path.name}: {report.summary}"
