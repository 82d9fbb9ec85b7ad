"""Addresses to canonical tokens. US addresses are parsed (``usaddress``) into number, street, unit, city,
state and ZIP; any other address is folded into tokens with the usual abbreviations.

A mailing-label address in the usual shape (``8171 Ridge Way, Unit 27, Hillsboro, OR 97123``) is read by
one pattern first: ``usaddress`` costs about 0.2 ms an address, too slow for millions of unique lines.
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
_US_TAIL = re.compile(r"\b([A-Za-z]{2})\s+(\d{5})(?:-\d{4})?\s*$")
_SIMPLE_US = re.compile(
    r"^\s*(?P<number>\d+[A-Za-z]?)\s+(?P<street>[^,]+?)\s*,"
    r"(?:\s*(?P<unit>(?:Suite|Ste|Unit|Apt|Room|Rm|Floor|Fl|#)\.?\s*[^,]+?)\s*,)?"
    r"\s*(?P<city>[^,\d]+?)\s*,\s*(?P<state>[A-Za-z]{2})\s+(?P<zip>\d{5})(?:-\d{4})?\s*$",
    re.IGNORECASE,
)


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
        simple = _SIMPLE_US.match(raw)
        if simple:
            street = _words(f"{simple['number']} {simple['street']}")
            if street.split()[-1:] and street.split()[-1] in _STREET_TYPES:
                return Address(street, _words(simple["unit"] or ""), _words(simple["city"]), simple["state"].lower(),
                               simple["zip"])
        parsed = _from_usaddress(raw)
        if parsed is not None:
            return parsed
    return _foreign(raw)


def normalize_address(text: str, country: str | None = None) -> str | None:
    """``8171 Ridge Way, Unit 27, Hillsboro, OR 97123`` -> ``8171 ridge way unit 27 hillsboro or 97123``."""
    address = parse_address(text, country)
    return address.full if address else None
