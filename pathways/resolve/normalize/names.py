"""Person names: folded to ASCII, read in either order, initials kept as initials, nicknames to one form."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii

from pathways.resolve.normalize.folding import fold

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sr", "jr", "ii", "iii", "iv", "sir", "madam"})
# Latin spellings of Slavic surnames drift between -ov and -off, -ev and -eff (Smirnov / Smirnoff).
_SLAVIC_ENDING = re.compile(r"(?<=[oe])ff$")


@cache
def nicknames() -> dict[str, str]:
    """Variant given name -> canonical form (``bob`` -> ``robert``, ``sergey`` -> ``sergei``)."""
    table: dict[str, str] = {}
    text = resources.files("pathways.resolve").joinpath("data/nicknames.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        for variant in row["variants"].split():
            table[variant] = row["canonical"]
    return table


@dataclass(frozen=True)
class PersonName:
    first: str
    middle: str
    last: str

    @property
    def full(self) -> str:
        return " ".join(x for x in (self.first, self.middle, self.last) if x)


def _given(token: str) -> str:
    return nicknames().get(token, token)


def _family(token: str) -> str:
    return _SLAVIC_ENDING.sub("v", token)


def _is_shouted(word: str) -> bool:
    letters = [ch for ch in anyascii(word) if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


@lru_cache(maxsize=500_000)
def parse_person_name(text: str) -> PersonName | None:
    """``Smith, John A.`` / ``SMITH John A`` / ``John A. Smith`` -> first ``john``, middle ``a``, last ``smith``.

    A comma puts the family name first; so does one word in capitals before words that are not (the way
    many forms write a surname). Otherwise the last word is the family name. ``None`` without a word."""
    raw = (text or "").strip()
    if "," in raw:
        family_part, _, given_part = raw.partition(",")
        family, given = fold(family_part).split(), fold(given_part).split()
    else:
        words = raw.split()
        rest = [w for w in words[1:] if sum(ch.isalpha() for ch in w) > 1]  # initials are neither
        if rest and _is_shouted(words[0]) and not all(_is_shouted(w) for w in rest):
            family, given = fold(words[0]).split(), fold(" ".join(words[1:])).split()
        else:
            tokens = fold(raw).split()
            family, given = tokens[-1:], tokens[:-1]
    family = [t for t in family if t not in _TITLES]
    given = [t for t in given if t not in _TITLES]
    if not family and given:
        family, given = given[-1:], given[:-1]
    if not family:
        return None
    last = " ".join(_family(t) for t in family)
    first = _given(given[0]) if given else ""
    middle = " ".join(t[0] if len(t) == 1 else t for t in given[1:])
    return PersonName(first, middle, last)


def normalize_person_name(text: str) -> str | None:
    """The canonical ``first middle last`` form, or ``None`` when there is no name."""
    name = parse_person_name(text)
    return name.full if name else None


def person_name_key(text: str) -> str | None:
    """Order-free key: the name's words longer than an initial, sorted (``Ivanov Sergei`` = ``Sergei Ivanov``)."""
    name = parse_person_name(text)
    if name is None:
        return None
    words = sorted(_given(w) for w in name.full.split() if len(w) > 1)
    return " ".join(words) or None
