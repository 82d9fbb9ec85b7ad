"""How one true party's name and address get written differently from one record to the next."""

from __future__ import annotations

import re

import numpy as np

from pathways.world.rng import pick

_ABBREV = (
    ("Company Limited", "Co., Ltd."), ("Co., Ltd.", "Company Limited"), ("Co., Ltd.", "CO LTD"),
    ("Trading", "Trdg"), ("Trading", "Trade"), ("International", "Intl"), ("Import and Export", "Imp & Exp"),
    ("Import and Export", "I/E"), ("Technology", "Tech"), ("Electronic", "Elec"), ("Limited", "Ltd"),
    ("Corporation", "Corp"), ("Logistics", "Logistic"), ("Incorporated", "Inc"), ("Inc.", "Inc"),
    ("LLC", "L.L.C."), ("Products", "Prods"), ("Supply Chain", "Supplychain"), ("Garment", "Garments"),
)
_ADDR_ABBREV = (
    ("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Boulevard", "Blvd"), ("Drive", "Dr"),
    ("Lane", "Ln"), ("Parkway", "Pkwy"), ("Court", "Ct"), ("Suite", "Ste"), ("Room", "Rm"),
    ("Building", "Bldg"), ("District", "Dist"), ("Floor", "Fl"), ("Number", "No."),
)
_KEYBOARD_NEIGHBORS = {
    "a": "sq", "e": "wr", "i": "uo", "o": "ip", "n": "bm", "r": "et", "s": "ad", "t": "ry", "l": "k",
    "c": "xv", "h": "gj", "g": "fh", "m": "n", "u": "yi", "d": "sf",
}

_LAT_TO_CYR = (
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"),
    ("yo", "ё"), ("ei", "ей"), ("ey", "ей"), ("iy", "ий"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
    ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("x", "кс"), ("c", "к"), ("h", "х"), ("w", "в"), ("q", "к"), ("j", "дж"),
)
_RU_SPELLINGS = (("Sergei", "Sergey"), ("Dmitri", "Dmitry"), ("Alexei", "Aleksey"), ("Yuri", "Yury"),
                 ("Tatiana", "Tatyana"), ("Natalia", "Natalya"), ("ov", "off"), ("ev", "eff"))


def to_cyrillic(text: str) -> str:
    """A rough Latin->Cyrillic transliteration, as a Russian clerk would retype a name."""
    out: list[str] = []
    i, low = 0, text.lower()
    while i < len(text):
        for lat, cyr in _LAT_TO_CYR:
            if low.startswith(lat, i):
                out.append(cyr.upper() if text[i].isupper() else cyr)
                i += len(lat)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def typo(rng: np.random.Generator, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = letters[int(rng.integers(1, len(letters)))]
    kind = int(rng.integers(4))
    if kind == 0 and i + 1 < len(text) and text[i + 1].isalpha():  # transpose
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:  # drop
        return text[:i] + text[i + 1 :]
    if kind == 2:  # double
        return text[:i] + text[i] + text[i:]
    near = _KEYBOARD_NEIGHBORS.get(text[i].lower())
    if not near:
        return text[:i] + text[i + 1 :]
    sub = near[int(rng.integers(len(near)))]
    return text[:i] + (sub.upper() if text[i].isupper() else sub) + text[i + 1 :]


def _strip_punct(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[.,]", "", text)).strip()


def _abbreviate(rng: np.random.Generator, text: str, table: tuple[tuple[str, str], ...]) -> str:
    hits = [(a, b) for a, b in table if a in text]
    if not hits:
        return text
    a, b = hits[int(rng.integers(len(hits)))]
    return text.replace(a, b)


def company_variants(rng: np.random.Generator, name: str, country: str, n: int) -> list[str]:
    """`n` distinct-ish spellings of a company, the canonical one first."""
    out = [name]
    for _ in range(n * 3):
        if len(out) >= n:
            break
        v = name
        for _step in range(int(rng.integers(1, 3))):
            k = int(rng.integers(7))
            if k == 0:
                v = v.upper()
            elif k == 1:
                v = _strip_punct(v)
            elif k == 2:
                v = _abbreviate(rng, v, _ABBREV)
            elif k == 3:
                v = typo(rng, v)
            elif k == 4 and country in ("CN", "HK", "TW"):
                v = re.sub(r"\b([A-Z][a-z]{1,4}) ([A-Z][a-z]{1,4})\b", lambda m: m[1] + m[2].lower(), v, count=1)
            elif k == 5 and country == "RU":
                v = to_cyrillic(v)
            else:
                v = _abbreviate(rng, v, _ABBREV).upper()
        if v not in out:
            out.append(v)
    return out


def person_variants(rng: np.random.Generator, first: str, middle: str, last: str, country: str, n: int) -> list[str]:
    """Spellings of one person: initials dropped, order swapped, case, typos, transliteration."""
    canonical = " ".join(x for x in (first, middle, last) if x)
    out = [canonical]
    for _ in range(n * 3):
        if len(out) >= n:
            break
        k = int(rng.integers(8))
        if k == 0:
            v = f"{first} {last}"
        elif k == 1:
            v = f"{last}, {first}" + (f" {middle[0]}." if middle else "")
        elif k == 2:
            v = f"{last.upper()} {first}"
        elif k == 3:
            v = canonical.upper()
        elif k == 4:
            v = f"{first[0]}. {last}"
        elif k == 5:
            v = typo(rng, canonical)
        elif k == 6 and country == "RU":
            v = to_cyrillic(f"{first} {last}")
        elif k == 6 and country in ("CN", "HK", "TW"):
            v = f"{last} {first.replace(' ', '')}"
        elif k == 7 and country == "RU":
            v = canonical
            for a, b in _RU_SPELLINGS:
                v = v.replace(a, b)
        else:
            v = f"{first} {middle[:1] + ' ' if middle else ''}{last}".replace("  ", " ")
        if v not in out:
            out.append(v)
    return out


def address_variants(rng: np.random.Generator, address: str, n: int) -> list[str]:
    out = [address]
    for _ in range(n * 3):
        if len(out) >= n:
            break
        k = int(rng.integers(5))
        if k == 0:
            v = _abbreviate(rng, address, _ADDR_ABBREV)
        elif k == 1:
            v = _strip_punct(address).upper()
        elif k == 2:
            v = re.sub(r",? (Suite|Ste|Room|Rm|Unit|Floor) [^,]+", "", address)
        elif k == 3:
            v = typo(rng, address)
        else:
            v = _strip_punct(_abbreviate(rng, address, _ADDR_ABBREV))
        if v not in out:
            out.append(v)
    return out


def pick_variant(rng: np.random.Generator, variants: list[str]) -> str:
    """The canonical spelling most of the time, a variant otherwise."""
    if len(variants) == 1 or rng.random() < 0.5:
        return variants[0]
    return pick(rng, variants[1:])
