"""Countries (pycountry) and US ZIP codes and places (the offline ``zipcodes`` package)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
import zipcodes

_ALIASES = {"UK": "GB", "USA": "US", "UNITED STATES OF AMERICA": "US", "ENGLAND": "GB", "HONG KONG": "HK",
            "RUSSIA": "RU", "SOUTH KOREA": "KR", "NORTH KOREA": "KP", "VIETNAM": "VN", "IRAN": "IR",
            "TURKEY": "TR", "LAOS": "LA", "SYRIA": "SY", "TAIWAN": "TW", "BOLIVIA": "BO", "VENEZUELA": "VE"}


@cache
def _country_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                out[name.upper()] = c.alpha_2
        out[c.alpha_3] = c.alpha_2
        out[c.alpha_2] = c.alpha_2
    out.update(_ALIASES)
    return out


def normalize_country(text: str) -> str | None:
    """A name or ISO code (``Mexico``, ``MEX``, ``mx``, ``UK``) -> ISO 3166-1 alpha-2; ``None`` if unknown."""
    key = " ".join((text or "").upper().replace(".", " ").split())
    if not key:
        return None
    return _country_names().get(key)


@dataclass(frozen=True)
class ZipPlace:
    zip: str
    city: str
    state: str
    county: str


@cache
def _zip_index() -> dict[str, ZipPlace]:
    out = {}
    for row in zipcodes.list_all():
        out[row["zip_code"]] = ZipPlace(row["zip_code"], row.get("city") or "", row["state"], row.get("county") or "")
    return out


@cache
def city_counties() -> dict[tuple[str, str], frozenset[str]]:
    """(CITY, ST) -> the counties of all its ZIPs."""
    out: dict[tuple[str, str], set[str]] = {}
    for z in _zip_index().values():
        if z.city and z.county:
            out.setdefault((z.city.upper(), z.state), set()).add(z.county)
    return {k: frozenset(v) for k, v in out.items()}


def normalize_zip(text: str) -> str | None:
    """``92236``, ``92236-1234`` -> ``92236`` when the ZIP exists; ``None`` otherwise."""
    m = re.fullmatch(r"\s*(\d{5})(?:-?\d{4})?\s*", text or "")
    if not m or m.group(1) not in _zip_index():
        return None
    return m.group(1)


def us_zip_place(text: str) -> ZipPlace | None:
    """The city, state and county of a US ZIP code."""
    z = normalize_zip(text)
    return _zip_index()[z] if z else None


_ADDRESS_TAIL = re.compile(r",?\s*([A-Za-z .'-]+?),?\s+([A-Z]{2})\s+(\d{5})(?:-\d{4})?\s*$")


def parse_us_address(text: str) -> dict[str, str] | None:
    """``950 Lake Street, Coachella, CA 92236`` -> street, city, state, zip (the ZIP must exist)."""
    m = _ADDRESS_TAIL.search(text or "")
    if not m or normalize_zip(m.group(3)) is None:
        return None
    street = (text[: m.start()]).strip(" ,")
    return {"street": street, "city": m.group(1).strip().title(), "state": m.group(2), "zip": m.group(3)}


def normalize_us_address(text: str) -> str | None:
    """A comparison key: upper case, punctuation dropped, common street words abbreviated."""
    value = re.sub(r"[^A-Z0-9 ]", " ", (text or "").upper())
    words = [_STREET_WORDS.get(w, w) for w in value.split()]
    return " ".join(words) or None


_STREET_WORDS = {"STREET": "ST", "AVENUE": "AVE", "ROAD": "RD", "BOULEVARD": "BLVD", "DRIVE": "DR", "LANE": "LN",
                 "COURT": "CT", "PLACE": "PL", "SUITE": "STE", "HIGHWAY": "HWY", "PARKWAY": "PKWY", "NORTH": "N",
                 "SOUTH": "S", "EAST": "E", "WEST": "W", "APARTMENT": "APT"}
