"""Places: US ZIP codes (from the offline `zipcodes` package) grouped by office, and street addresses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import zipcodes

from pathways.identity.offices_file import OfficeSpec, normalize_county, office_for_us_location
from pathways.world.names import FOREIGN_CITIES, STREET_TYPES, STREETS
from pathways.world.rng import pick


@dataclass(frozen=True)
class Zip:
    zip: str
    city: str
    state: str
    county: str
    area_code: str


@cache
def standard_zips() -> tuple[Zip, ...]:
    """Every active standard ZIP with a county, in ZIP order."""
    rows = []
    for r in zipcodes.list_all():
        if r["zip_code_type"] == "STANDARD" and r["county"] and r["active"]:
            area = r["area_codes"][0] if r["area_codes"] else ""
            rows.append(Zip(r["zip_code"], r["city"], r["state"], r["county"], area))
    rows.sort(key=lambda z: z.zip)
    return tuple(rows)


@cache
def _city_offices(offices: tuple[OfficeSpec, ...]) -> dict[tuple[str, str], frozenset[str]]:
    """Offices each (city, state) touches, over every ZIP of any type (PO boxes too)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in zipcodes.list_all():
        if r["county"]:
            out[(r["city"], r["state"])].add(office_for_us_location(list(offices), r["state"], r["county"]))
    return {k: frozenset(v) for k, v in out.items()}


class OfficeGeography:
    """ZIPs by the field office whose AOR holds them, so a place can be drawn inside an office's AOR."""

    def __init__(self, offices: list[OfficeSpec]) -> None:
        self.offices = offices
        by_office: dict[str, list[Zip]] = defaultdict(list)
        for z in standard_zips():
            by_office[office_for_us_location(offices, z.state, z.county)].append(z)
        self.zips_by_office = dict(by_office)
        self.city_offices = _city_offices(tuple(offices))
        main_states: dict[str, set[str]] = defaultdict(set)
        for o in offices:
            for e in o.aor:
                if not e.counties or e.main:
                    main_states[o.code].add(e.state)
        self.main_states = {k: sorted(v) for k, v in main_states.items()}

    def zip_in(self, rng: np.random.Generator, office_code: str) -> Zip:
        zs = self.zips_by_office[office_code]
        return zs[int(rng.integers(len(zs)))]

    def zip_in_state(self, rng: np.random.Generator, office_code: str, state: str) -> Zip:
        zs = [z for z in self.zips_by_office[office_code] if z.state == state]
        return zs[int(rng.integers(len(zs)))] if zs else self.zip_in(rng, office_code)

    def city_is_unambiguous(self, z: Zip) -> bool:
        """True when every ZIP of this city lies in one office's AOR (so city+state alone routes it)."""
        return len(self.city_offices.get((z.city, z.state), frozenset())) == 1


def county_key(county: str) -> str:
    return normalize_county(county)


def street_line(rng: np.random.Generator) -> str:
    number = int(rng.integers(1, 9900))
    line = f"{number} {pick(rng, STREETS)} {pick(rng, STREET_TYPES)}"
    r = rng.random()
    if r < 0.2:
        line += f", Suite {int(rng.integers(100, 900))}"
    elif r < 0.3:
        line += f", Unit {int(rng.integers(1, 60))}"
    return line


def us_address(rng: np.random.Generator, z: Zip) -> str:
    return f"{street_line(rng)}, {z.city.title()}, {z.state} {z.zip}"


def foreign_address(rng: np.random.Generator, country: str, words: str = "") -> str:
    city = pick(rng, FOREIGN_CITIES.get(country, ("Capital City",)))
    if country in ("CN", "HK", "TW"):
        road = words or pick(rng, ("Jin Long", "Hua Qiang", "Bao An", "Nan Shan", "Long Hua", "Fu Tian"))
        return (f"Room {int(rng.integers(101, 2800))}, Building {int(rng.integers(1, 30))}, "
                f"No. {int(rng.integers(1, 300))} {road} Road, {city}, {country}")
    if country == "RU":
        return f"ul. {pick(rng, ('Lenina', 'Mira', 'Sadovaya', 'Gagarina'))} {int(rng.integers(1, 120))}, {city}, RU"
    street = f"{pick(rng, STREETS)} {pick(rng, ('Road', 'Street', 'Avenue'))}"
    return f"{int(rng.integers(1, 400))} {street}, {city}, {country}"
