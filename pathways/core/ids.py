"""Identifiers: UUIDv7 strings inside, human numbers outside."""

from __future__ import annotations

import uuid_utils


def new_id() -> str:
    """A time-ordered UUIDv7 string, the primary key of every table."""
    return str(uuid_utils.uuid7())


def human_number(prefix: str, year: int, sequence: int, width: int = 5) -> str:
    """Human record numbers such as ``TMK 26-00001``: prefix, two-digit year, sequence."""
    return f"{prefix} {year % 100:02d}-{sequence:0{width}d}"
