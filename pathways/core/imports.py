"""What every file import shares: the file's digest, rejected rows and the rejects file."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FIELD_PREVIEW = 200  # characters of each field kept in a rejects file, so a huge field cannot bloat it


class RowError(ValueError):
    """One row of an import file is wrong; the message says what, in words."""


@dataclass
class Reject:
    row: int
    reason: str
    fields: list[str]


def file_sha256(path: Path) -> str:
    """The digest that recognises a file loaded before, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(8 << 20):
            h.update(block)
    return h.hexdigest()


def write_rejects(path: Path, columns: Sequence[str], rejects: Iterable[Reject]) -> Path:
    """``row, reason`` and the row's own fields (shortened), one line per rejected row."""
    with path.open("w", encoding="utf-8", newline="", errors="backslashreplace") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("row", "reason", *columns))
        for r in rejects:
            w.writerow((r.row, r.reason, *[v[:FIELD_PREVIEW] for v in r.fields]))
    return path
