"""Checks every way in shares: the portal, the API and the bulk import."""

from __future__ import annotations

import re

import pycountry

from pathways.core.errors import InvalidInput

# A guide tells officers how to tell genuine goods from fakes. Whether to detain or seize is the
# agency's decision under law, so a guide that tells officers to do so is refused.
_ENFORCEMENT = re.compile(
    r"\b(detain\w*|detention|seiz\w*|confiscat\w*|impound\w*|forfeit\w*)\b", re.IGNORECASE
)

_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def check_guide(text: str) -> str:
    text = text.strip()
    found = _ENFORCEMENT.search(text)
    if found:
        raise InvalidInput(
            "a product identification guide may only describe how to tell genuine goods from fakes; "
            f"it may not instruct officers to detain or seize (remove {found.group(0)!r})"
        )
    return text


def country(code: str, what: str = "country") -> str:
    value = code.strip().upper()
    if value not in _COUNTRIES:
        raise InvalidInput(f"{what} {code!r} is not an ISO 3166 two-letter country code")
    return value


def clean_text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise InvalidInput(f"{what} contains control characters")
    return value
