"""The party-record schema every resolution input takes, read from a CSV file with its bad rows set aside.

A party record is one appearance of a person, organization or address: a mention from the platform, or
a row of someone's spreadsheet (``pathways resolve dedupe``). Every column is an optional string but ``id``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pathways.core.errors import InvalidInput
from pathways.core.imports import Reject
from pathways.resolve.normalize import normalize_date

# ``record``: the source record the party was named in (a tip, a manifest line); parties named in one record
# are each other's company (see ``company``).
COLUMNS = ("id", "kind", "name", "first_name", "last_name", "dob", "address", "city", "state", "postcode",
           "country", "phone", "email", "identifier", "source", "record")
SCHEMA = pa.schema([pa.field(c, pa.string(), nullable=c != "id") for c in COLUMNS])
KINDS = {"person": "person", "individual": "person", "organization": "organization",
         "organisation": "organization", "company": "organization", "org": "organization", "address": "address"}


@dataclass
class RecordFile:
    records: pa.Table
    header: list[str] = field(default_factory=list)  # the file's columns, in its order (for the rejects file)
    rejects: list[Reject] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def empty_records() -> pa.Table:
    return SCHEMA.empty_table()


def records_from_rows(rows: list[dict[str, str | None]]) -> pa.Table:
    """Rows (missing keys are empty) as the record schema; ``id`` is required."""
    columns = {c: [(r.get(c) or None) for r in rows] for c in COLUMNS}
    if any(v is None for v in columns["id"]):
        raise InvalidInput("every record needs an id")
    return pa.table(columns, schema=SCHEMA)


def _check(values: dict[str, str | None]) -> str | None:
    kind = (values.get("kind") or "").strip().lower()
    if kind and kind not in KINDS:
        return f"kind {kind!r} is not one of person, organization, address"
    dob = values.get("dob")
    if dob and normalize_date(dob) is None:
        return f"dob {dob!r} is not a date"
    if not any(values.get(c) for c in COLUMNS if c not in ("id", "kind", "source", "record")):
        return "the row has an id and nothing to match on"
    return None


def read_records(path: Path) -> RecordFile:
    """Read a CSV of party records; rows that cannot be used go to ``rejects`` with their row number."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InvalidInput(f"{path} is empty")
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    if "id" not in header:
        raise InvalidInput(f"{path} has no id column (its columns: {', '.join(header) or 'none'})")
    if len(set(header)) != len(header):
        raise InvalidInput(f"{path} repeats a column name in its header")
    ignored = [h for h in header if h not in COLUMNS]
    rows: list[dict[str, str | None]] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    row_number = 1
    for fields in reader:
        row_number += 1
        if not any(f.strip() for f in fields):
            continue
        reason = None
        if len(fields) != len(header):
            reason = f"expected {len(header)} fields, found {len(fields)}"
        elif any("\udc80" <= ch <= "\udcff" for f in fields for ch in f):
            reason = "the row is not valid UTF-8"
        values = {h: (f.strip() or None) for h, f in zip(header, fields, strict=False) if h in COLUMNS}
        record_id = values.get("id")
        if reason is None and not record_id:
            reason = "empty id"
        elif reason is None and record_id in seen:
            reason = f"duplicate id {record_id!r} (first at row {seen[record_id]})"
        reason = reason or _check(values)
        if reason:
            rejects.append(Reject(row_number, reason, [f.encode("utf-8", "backslashreplace").decode() for f in fields]))
            continue
        assert record_id is not None
        seen[record_id] = row_number
        kind = (values.get("kind") or "").lower()
        values["kind"] = KINDS.get(kind) if kind else None
        rows.append(values)
    if not rows and not rejects:
        raise InvalidInput(f"{path} has a header and no rows")
    return RecordFile(records_from_rows(rows) if rows else empty_records(), header, rejects, ignored)
