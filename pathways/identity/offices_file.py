"""The agency's offices file: load, validate, and route a location to the office that must act.

Pure functions, no database. The file format is documented in docs/formats.md ("offices.json").
County names are compared in a normalised form (see `normalize_county`) so that "Harris",
"Harris County" and "HARRIS COUNTY" agree, and zipcodes' own double spellings
("St Lawrence County" / "St. Lawrence County", "DeWitt" / "De Witt") count as one county.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pycountry
import zipcodes

OfficeKind = Literal["field_office", "attache_office", "hq_triage"]
KINDS: tuple[str, ...] = ("field_office", "attache_office", "hq_triage")

DEFAULT_PATH = Path(__file__).parent / "data" / "offices.json"

# The 50 states, DC and the five inhabited territories: every one belongs to exactly one field office.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP"
)
US_STATES: frozenset[str] = frozenset(_STATE_CODES.split(" "))

_COUNTY_SUFFIXES = ("county", "parish", "municipio")


def normalize_county(name: str) -> str:
    """A comparison key for a county name: case, punctuation, spacing and the word "County" ignored."""
    key = re.sub(r"[^a-z]", "", name.lower().replace("saint ", "st "))
    stripped = True
    while stripped:
        stripped = False
        for suffix in _COUNTY_SUFFIXES:
            if key.endswith(suffix):
                key, stripped = key[: -len(suffix)], True
    return key


def normalize_state(state: str) -> str | None:
    """A two-letter state/territory code from a code or a full name ("tx", "Texas"); None if unknown."""
    s = state.strip()
    if len(s) == 2 and s.upper() in US_STATES:
        return s.upper()
    return _state_names().get(re.sub(r"[^a-z]", "", s.lower()))


@cache
def _state_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="US") or []:
        code = sub.code.split("-")[1]
        if code in US_STATES:
            out[re.sub(r"[^a-z]", "", sub.name.lower())] = code
    out["virginislands"] = "VI"
    out["usvirginislands"] = "VI"
    out["washingtondc"] = "DC"
    return out


def state_counties(state: str) -> dict[str, str]:
    """Normalised county key -> a spelling, for every county zipcodes knows in `state`."""
    return _all_counties().get(state, {})


@cache
def _all_counties() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in zipcodes.list_all():
        county = row.get("county") or ""
        if county:
            out.setdefault(row["state"], {}).setdefault(normalize_county(county), county)
    return out


@dataclass(frozen=True)
class AorEntry:
    state: str
    counties: tuple[str, ...] = ()  # empty: the whole state
    main: bool = False  # for a split state: the state-level fallback office


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    kind: OfficeKind
    city: str | None = None
    state: str | None = None
    country: str | None = None
    aor: tuple[AorEntry, ...] = ()
    countries: tuple[str, ...] = field(default=())


def load_offices(path: str | Path | None = None) -> list[OfficeSpec]:
    """Read and validate an offices file (default: the one shipped with Pathways)."""
    p = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not valid JSON ({exc})") from exc
    return parse_offices(data, source=str(p))


def parse_offices(data: Any, source: str = "offices") -> list[OfficeSpec]:
    """Build and validate office specs from the decoded JSON document."""
    if not isinstance(data, Mapping) or not isinstance(data.get("offices"), list):
        raise ValueError(f"{source}: expected an object with an 'offices' list")
    offices = [_parse_office(raw, i, source) for i, raw in enumerate(data["offices"])]
    validate_offices(offices, source)
    return offices


def _parse_office(raw: Any, i: int, source: str) -> OfficeSpec:
    where = f"{source}: offices[{i}]"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected an object")
    code, kind = raw.get("code"), raw.get("kind")
    if not isinstance(code, str) or not code:
        raise ValueError(f"{where}: missing 'code'")
    if kind not in KINDS:
        raise ValueError(f"{where} ({code}): kind must be one of {', '.join(KINDS)}, not {kind!r}")
    aor: list[AorEntry] = []
    for j, entry in enumerate(raw.get("aor") or []):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("state"), str):
            raise ValueError(f"{where} ({code}): aor[{j}] needs a 'state'")
        counties = entry.get("counties") or []
        if not isinstance(counties, list) or not all(isinstance(c, str) for c in counties):
            raise ValueError(f"{where} ({code}): aor[{j}].counties must be a list of names")
        aor.append(AorEntry(state=entry["state"], counties=tuple(counties), main=bool(entry.get("main"))))
    countries = raw.get("countries") or []
    if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
        raise ValueError(f"{where} ({code}): 'countries' must be a list of ISO alpha-2 codes")
    if kind == "field_office" and not aor:
        raise ValueError(f"{where} ({code}): a field office needs an 'aor'")
    if kind == "attache_office" and not countries:
        raise ValueError(f"{where} ({code}): an attaché office needs 'countries'")
    return OfficeSpec(
        code=code,
        name=str(raw.get("name") or code),
        kind=kind,
        city=raw.get("city"),
        state=raw.get("state"),
        country=raw.get("country"),
        aor=tuple(aor),
        countries=tuple(countries),
    )


def validate_offices(offices: Sequence[OfficeSpec], source: str = "offices") -> None:
    """Raise ValueError naming the first problem found; return None if the offices are consistent."""
    seen: set[str] = set()
    for o in offices:
        if o.code in seen:
            raise ValueError(f"{source}: office code {o.code} is used twice")
        seen.add(o.code)
    if sum(o.kind == "hq_triage" for o in offices) != 1:
        raise ValueError(f"{source}: there must be exactly one hq_triage office")
    _validate_states(offices, source)
    _validate_countries(offices, source)


def _validate_states(offices: Sequence[OfficeSpec], source: str) -> None:
    whole: dict[str, str] = {}
    split: dict[str, list[tuple[str, AorEntry]]] = {}
    for o in offices:
        for e in o.aor:
            if e.state not in US_STATES:
                raise ValueError(f"{source}: {o.code} names unknown state or territory {e.state!r}")
            if e.counties:
                split.setdefault(e.state, []).append((o.code, e))
            elif e.state in whole:
                raise ValueError(f"{source}: state {e.state} is in both {whole[e.state]} and {o.code}")
            else:
                whole[e.state] = o.code
    for state, entries in split.items():
        if state in whole:
            raise ValueError(
                f"{source}: state {state} is whole in {whole[state]} and split by county in {entries[0][0]}"
            )
        _validate_split(state, entries, source)
    missing = sorted(US_STATES - whole.keys() - split.keys())
    if missing:
        raise ValueError(f"{source}: no field office covers {', '.join(missing)}")


def _validate_split(state: str, entries: list[tuple[str, AorEntry]], source: str) -> None:
    known = state_counties(state)
    owner: dict[str, str] = {}
    for code, e in entries:
        for county in e.counties:
            key = normalize_county(county)
            if key not in known:
                raise ValueError(f"{source}: {code} lists {county!r}, not a county of {state}")
            if key in owner:
                raise ValueError(
                    f"{source}: county {county!r} ({state}) is listed twice, in {owner[key]} and {code}"
                )
            owner[key] = code
    missing = sorted(known[k] for k in known.keys() - owner.keys())
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ValueError(f"{source}: {len(missing)} county(ies) of {state} belong to no office: {shown}")
    mains = [code for code, e in entries if e.main]
    if len(mains) != 1:
        has = ", ".join(mains) or "none"
        raise ValueError(f"{source}: split state {state} needs exactly one main office, has {has}")


def _validate_countries(offices: Sequence[OfficeSpec], source: str) -> None:
    owner: dict[str, str] = {}
    for o in offices:
        for cc in o.countries:
            if len(cc) != 2 or pycountry.countries.get(alpha_2=cc.upper()) is None:
                raise ValueError(f"{source}: {o.code} lists {cc!r}, not an ISO 3166 alpha-2 country code")
            key = cc.upper()
            if key in owner:
                raise ValueError(f"{source}: country {key} is in both {owner[key]} and {o.code}")
            owner[key] = o.code


# --- lookups ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    by_state: dict[str, str]
    by_county: dict[tuple[str, str], str]
    by_country: dict[str, str]
    hq: str


_INDEXES: dict[int, tuple[tuple[OfficeSpec, ...], _Index]] = {}


def _index(offices: Iterable[OfficeSpec]) -> _Index:
    key_tuple = tuple(offices)
    cached = _INDEXES.get(id(offices))
    if cached is not None and cached[0] == key_tuple:
        return cached[1]
    by_state: dict[str, str] = {}
    by_county: dict[tuple[str, str], str] = {}
    by_country: dict[str, str] = {}
    hq = ""
    for o in key_tuple:
        if o.kind == "hq_triage":
            hq = o.code
        for e in o.aor:
            if not e.counties or e.main:
                by_state[e.state] = o.code
            for c in e.counties:
                by_county[(e.state, normalize_county(c))] = o.code
        for cc in o.countries:
            by_country[cc.upper()] = o.code
    idx = _Index(by_state, by_county, by_country, hq)
    _INDEXES[id(offices)] = (key_tuple, idx)
    return idx


def office_for_us_location(offices: Sequence[OfficeSpec], state: str, county: str | None = None) -> str:
    """The field office whose AOR holds this US state (and county, for a split state).

    A split state with no county, or a county we do not know, falls back to the state's main office.
    A place that is in no AOR (an unknown state, a military APO/FPO "state") goes to HQ triage.
    """
    idx = _index(offices)
    st = normalize_state(state)
    if st is None:
        return idx.hq
    if county:
        code = idx.by_county.get((st, normalize_county(county)))
        if code is not None:
            return code
    return idx.by_state.get(st, idx.hq)


def office_for_country(offices: Sequence[OfficeSpec], iso2: str) -> str | None:
    """The attaché office covering a foreign country (ISO alpha-2), or None if no office covers it."""
    return _index(offices).by_country.get(iso2.strip().upper())


def office_by_code(offices: Sequence[OfficeSpec], code: str) -> OfficeSpec:
    for o in offices:
        if o.code == code:
            return o
    raise KeyError(code)
