"""Phone numbers to E.164, read in the default region of the record (a tip's country)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


@lru_cache(maxsize=200_000)
def normalize_phone(text: str, region: str | None = "US") -> str | None:
    """``(713) 555-0142`` with region US -> ``+17135550142``; ``None`` unless a valid number.

    A number written with ``+`` or ``00`` keeps its own country whatever the region."""
    raw = (text or "").strip()
    if not raw or len(raw) > 40 or sum(ch.isdigit() for ch in raw) < 7:
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, (region or "US").upper() if not raw.startswith("+") else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
