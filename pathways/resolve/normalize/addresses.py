"""Addresses to canonical tokens. US addresses are parsed (``usaddress``) into number, street, unit, city,
state and ZIP; any other address is folded into tokens with the usual abbreviations.

A mailing-label address in the usual shape (``8171 Ridge Way, Unit 27, Hillsboro, OR 97123``, with or
without commas) is read by a simple token scan first: ``usaddress`` costs about 0.2 ms an address, too slow
for millions of unique lines, and is asked only when the scan finds no street type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress

from pathways.resolve.normalize.folding import fold

# USPS street suffix and unit designator abbreviations, plus the common foreign address words.
_ABBREVIATIONS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr",
    "lane": "ln", "parkway": "pkwy", "pky": "pkwy", "court": "ct", "place": "pl", "square": "sq", "terrace": "ter",
    "highway": "hwy", "circle": "cir", "trail": "trl", "way": "way", "suite": "ste", "room": "rm",
    "building": "bldg", "floor": "fl", "district": "dist", "number": "no", "apartment": "apt", "unit": "unit",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "industrial": "ind", "mount": "mt", "saint": "st", "fort": "ft",
}
_STREET_TYPES = frozenset({"st", "ave", "rd", "blvd", "dr", "ln", "pkwy", "ct", "pl", "sq", "ter", "hwy", "cir",
                           "trl", "way"})
_UNIT_TYPES = frozenset({"ste", "rm", "apt", "unit", "fl", "bldg", "#"})
# ``ST 12345`` at the end; one letter more or less for a state written with a typo
_US_TAIL = re.compile(r"\b([A-Za-z]{1,3})\s+(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Address:
    street: str  # number, street name and type: the part a suite-less variant still has
    unit: str
    city: str
    state: str
    postcode: str

    @property
    def full(self) -> str:
        return " ".join(x for x in (self.street, self.unit, self.city, self.state, self.postcode) if x)


def _words(text: str) -> str:
    return " ".join(_ABBREVIATIONS.get(t, t) for t in fold(text).split())


def _from_usaddress(text: str) -> Address | None:
    try:
        parts, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return None
    street = " ".join(v for k, v in parts.items() if k.startswith(("AddressNumber", "StreetName")))
    unit = " ".join(v for k, v in parts.items() if k.startswith("Occupancy"))
    if not street:
        return None
    return Address(_words(street), _words(unit), _words(parts.get("PlaceName", "")),
                   fold(parts.get("StateName", "")), parts.get("ZipCode", "")[:5])


def _label(text: str) -> Address | None:
    """``NUMBER STREET... TYPE [UNIT ID] CITY... ST 12345``, commas optional; ``None`` if not that shape."""
    tokens = _words(text).split()
    if len(tokens) < 5 or not tokens[0][0].isdigit() or not re.fullmatch(r"\d{5}", tokens[-1][:5]):
        return None
    state, body = tokens[-2], tokens[1:-2]
    ends = [i for i, t in enumerate(body) if t in _STREET_TYPES and i > 0]
    if not 1 <= len(state) <= 3 or not ends:
        return None
    end = ends[0] + 1
    street, rest = [tokens[0], *body[:end]], body[end:]
    unit: list[str] = []
    if len(rest) > 1 and rest[0] in _UNIT_TYPES:
        unit, rest = rest[:2], rest[2:]
    if not rest:
        return None
    return Address(" ".join(street), " ".join(unit), " ".join(rest), state, tokens[-1][:5])


def _foreign(text: str) -> Address:
    tokens = _words(text).split()
    unit_at = [i for i, t in enumerate(tokens) if t in _UNIT_TYPES]
    unit = ""
    if unit_at and unit_at[0] + 1 < len(tokens):
        i = unit_at[0]
        unit = " ".join(tokens[i:i + 2])
        tokens = tokens[:i] + tokens[i + 2:]
    return Address(" ".join(tokens), unit, "", "", "")


@lru_cache(maxsize=500_000)
def parse_address(text: str, country: str | None = None) -> Address | None:
    """The address's canonical parts; US when ``country`` is US or the text ends in ``ST 12345``."""
    raw = " ".join((text or "").split())
    if not fold(raw):
        return None
    is_us = (country or "").upper() == "US" or (not country and _US_TAIL.search(raw) is not None)
    if is_us:
        parsed = _label(raw) or _from_usaddress(raw)
        if parsed is not None:
            return parsed
    return _foreign(raw)


def normalize_address(text: str, country: str | None = None) -> str | None:
    """``8171 Ridge Way, Unit 27, Hillsboro, OR 97123`` -> ``8171 ridge way unit 27 hillsboro or 97123``."""
    address = parse_address(text, country)
    return address.full if address else None
