"""Dates as written on forms (ISO, US month/day, day.month, month names) to ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"))}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EUROPEAN = re.compile(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$")
_MONTH_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _date(year: int, month: int, day: int) -> str | None:
    if not 1800 <= year <= 2200:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_date(text: str) -> str | None:
    """``1972-01-29``, ``01/29/1972`` (US), ``29.01.1972``, ``29 Jan 1972``, ``January 29, 1972`` ->
    ``1972-01-29``; ``None`` if it is not a real calendar date."""
    value = " ".join((text or "").strip().lower().split())
    if m := _ISO.match(value) or _COMPACT.match(value):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _US.match(value):
        return _date(int(m[3]), int(m[1]), int(m[2]))
    if m := _EUROPEAN.match(value):
        return _date(int(m[3]), int(m[2]), int(m[1]))
    if (m := _DAY_MONTH.match(value)) and m[2] in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_DAY.match(value)) and m[1] in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[1]], int(m[2]))
    return None
