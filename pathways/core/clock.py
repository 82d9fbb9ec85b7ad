"""Time is timezone-aware UTC; the fiscal year runs October 1 to September 30."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def fiscal_year(day: date | datetime) -> int:
    """FY2026 is 2025-10-01 through 2026-09-30."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of a fiscal year."""
    return date(fy - 1, 10, 1), date(fy, 9, 30)
