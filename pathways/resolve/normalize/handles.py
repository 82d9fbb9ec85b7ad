"""Online usernames, vehicle plates and vessel names: comparison keys for free-text identifiers."""

from __future__ import annotations

import re
import unicodedata

_USER = re.compile(r"^[a-z0-9_.]{2,30}$")
_PLATE = re.compile(r"^[A-Z0-9]{2,8}$")
_VESSEL_PREFIX = re.compile(r"^(?:M V|MV|M T|MT|F V|S S|SS) ")


def normalize_username(text: str) -> str | None:
    """``@Sneaker_Deals.99`` -> ``sneaker_deals.99``: no ``@``, lower case, 2-30 of ``a-z0-9_.``."""
    value = unicodedata.normalize("NFKC", (text or "").strip()).lstrip("@").rstrip(".,;:!?)").lower()
    if not _USER.match(value) or value.strip("._") == "" or not any(ch.isalnum() for ch in value):
        return None
    return value


def normalize_plate(text: str, state: str | None = None) -> str | None:
    """``tx abc-1234`` / ``ABC 1234`` with state TX -> ``TX:ABC1234``; the state prefix when known."""
    value = unicodedata.normalize("NFKC", text or "").upper().strip()
    prefix = None
    m = re.match(r"^([A-Z]{2})\s+(?:PLATE\s+)?(.+)$", value)
    if m and len(re.sub(r"[^A-Z0-9]", "", m.group(2))) >= 2:
        prefix, value = m.group(1), m.group(2)
    body = re.sub(r"[\s\-.·]", "", value)
    if not _PLATE.match(body) or not any(ch.isdigit() for ch in body):
        return None
    region = (prefix or state or "").upper()
    return f"{region}:{body}" if region else body


def normalize_vessel(text: str) -> str | None:
    """``M/V Sea Lark`` / ``MV SEA  LARK`` -> ``SEA LARK``: prefix dropped, upper case, single spaces."""
    value = unicodedata.normalize("NFKC", text or "").upper()
    value = " ".join(re.sub(r"[^A-Z0-9 ]", " ", value).split())
    while (stripped := _VESSEL_PREFIX.sub("", value)) != value:
        value = stripped
    if not 2 <= len(value) <= 60 or not any(ch.isalpha() for ch in value):
        return None
    return value
