"""Where a tip goes: a US place to the field office whose AOR covers its county, a foreign country to
the attaché office covering it, no place to HQ triage. Pure; the offices come from the offices table.

| location given | how it resolves | office |
|---|---|---|
| ZIP (alone or with anything) | ZIP -> state and county (zipcodes) | AOR of that county / state |
| address with a ZIP in it | the ZIP | as above |
| city + state | the counties of the city's ZIPs | their office if one; else the state's main office, flagged |
| state alone | whole-state AOR | that office; a split state goes to its main office, flagged |
| country other than US | attaché office covering it | that office; none covers it: HQ triage, flagged |
| nothing usable | — | HQ triage |
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathways.identity.offices_file import (
    AorEntry,
    OfficeSpec,
    normalize_state,
    office_for_country,
    office_for_us_location,
)
from pathways.resolve.normalize.places import city_counties, normalize_country, parse_us_address, us_zip_place

HQ = "HQ-TRIAGE"


@dataclass(frozen=True)
class Route:
    office_code: str
    reason: str
    flag: str = ""  # set when a person should check the choice
    country: str | None = None  # the tip's country (the default region for its phone numbers)


def specs_from_rows(rows: Sequence[Any]) -> list[OfficeSpec]:
    """OfficeSpecs from ``identity.models.Office`` rows (the offices table is the truth at run time)."""
    out = []
    for o in rows:
        if not o.active:
            continue
        aor = tuple(AorEntry(state=e["state"], counties=tuple(e.get("counties") or ()), main=bool(e.get("main")))
                    for e in json.loads(o.aor or "[]"))
        out.append(OfficeSpec(code=o.code, name=o.name, kind=o.kind, city=o.city, state=o.state, country=o.country,
                              aor=aor, countries=tuple(json.loads(o.countries or "[]"))))
    return out


def _is_split(offices: Sequence[OfficeSpec], state: str) -> bool:
    return any(e.state == state and e.counties for o in offices for e in o.aor)


def route(offices: Sequence[OfficeSpec], location: Mapping[str, Any] | None) -> Route:
    loc = {k: str(v).strip() for k, v in (location or {}).items() if v not in (None, "") and str(v).strip()}
    hq = next((o.code for o in offices if o.kind == "hq_triage"), HQ)
    country = normalize_country(loc["country"]) if "country" in loc else None
    if country and country != "US" and not loc.get("zip") and not loc.get("state"):
        code = office_for_country(offices, country)
        if code:
            return Route(code, f"country {country}: attaché office covering it", country=country)
        return Route(hq, f"country {country}: no attaché office covers it", "no attaché office for the country",
                     country)
    zip_text = loc.get("zip") or ""
    if not zip_text and loc.get("address"):
        parsed = parse_us_address(loc["address"])
        zip_text = parsed["zip"] if parsed else ""
    place = us_zip_place(zip_text) if zip_text else None
    if place is not None:
        code = office_for_us_location(offices, place.state, place.county)
        return Route(code, f"ZIP {place.zip}: {place.county}, {place.state}", country="US")
    state = normalize_state(loc["state"]) if loc.get("state") else None
    if state and loc.get("city"):
        counties = city_counties().get((loc["city"].upper(), state), frozenset())
        codes = {office_for_us_location(offices, state, c) for c in counties}
        if len(codes) == 1:
            county = next(iter(counties)) if len(counties) == 1 else f"{len(counties)} counties"
            return Route(codes.pop(), f"{loc['city']}, {state}: {county}", country="US")
        if codes:
            return Route(office_for_us_location(offices, state), f"{loc['city']}, {state} spans several offices",
                         "city spans offices; sent to the state's main office", "US")
    if state:
        code = office_for_us_location(offices, state)
        if _is_split(offices, state):
            return Route(code, f"state {state} only", "state only, state is split: sent to its main office", "US")
        return Route(code, f"state {state}: whole-state AOR", country="US")
    if country == "US":
        return Route(hq, "United States, no state or ZIP", "no usable US place", "US")
    return Route(hq, "no location: HQ triage queue", country=country)
