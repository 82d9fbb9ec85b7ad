"""True parties (companies and people) with every spelling they will be written under."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from pathways.world import names as N
from pathways.world.geo import Zip, foreign_address, standard_zips, us_address
from pathways.world.identifiers import email_for, phone_e164
from pathways.world.rng import pick
from pathways.world.variants import address_variants, company_variants, person_variants

PINYIN = ("an", "bao", "bei", "cheng", "da", "de", "fa", "feng", "fu", "guang", "hai", "hao", "heng", "hong",
          "hua", "hui", "jia", "jin", "kai", "kang", "le", "li", "long", "mei", "ming", "nan", "ping", "qi",
          "rui", "sen", "sheng", "shun", "tai", "tian", "tong", "wei", "xin", "xing", "yi", "yuan", "yue",
          "zhi", "zhong", "bo", "chang", "ding", "en", "gao", "jian", "lian")
US_TRADES = ("Imports", "Distribution", "Trading", "Wholesale", "Supply", "Brands", "Goods", "Merchandise",
             "Retail Group", "Sourcing", "Outlet", "Enterprises", "Holdings", "Commerce")
FORWARDER_WORDS = ("Logistics", "Freight", "Express", "Forwarding", "Cargo", "Shipping", "International Logistics")
SHIPPER_COUNTRIES = ("CN",) * 7 + ("HK", "HK", "VN", "IN", "MX", "DE", "IT", "JP", "KR", "TR", "GB", "FR", "CA",
                                   "TH", "MY", "BD", "ES", "TW", "RU")


@dataclass
class Parties:
    party_id: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)  # company | person
    name: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    dob: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    name_variants: list[list[str]] = field(default_factory=list)
    address_variants: list[list[str]] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.party_id)

    def add(self, kind: str, name: str, country: str, address: str, phone: str, email: str, dob: str,
            role: str, name_vars: list[str], addr_vars: list[str]) -> int:
        i = len(self.party_id)
        self.party_id.append(f"P{i + 1:07d}")
        self.kind.append(kind)
        self.name.append(name)
        self.country.append(country)
        self.address.append(address)
        self.phone.append(phone)
        self.email.append(email)
        self.dob.append(dob)
        self.role.append(role)
        self.name_variants.append(name_vars)
        self.address_variants.append(addr_vars)
        self._names.add(name)
        return i

    def taken(self, name: str) -> bool:
        return name in self._names


def _syllable_word(rng: np.random.Generator, n: int = 2) -> str:
    word = "".join(pick(rng, N.ONSETS) + pick(rng, N.VOWELS) for _ in range(n)) + pick(rng, N.CODAS)
    return word.capitalize()


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())[:18]


def _zip(rng: np.random.Generator) -> Zip:
    zs = standard_zips()
    return zs[int(rng.integers(len(zs)))]


def company_name(rng: np.random.Generator, country: str, role: str) -> tuple[str, str]:
    """(name, distinctive words) for a fictional company in `country`."""
    suffix = pick(rng, N.COMPANY_SUFFIX.get(country, ("Ltd.", "Co.")))
    if country in ("CN", "HK", "TW"):
        words = (pick(rng, PINYIN) + " " + pick(rng, PINYIN)).title()
        trade = pick(rng, FORWARDER_WORDS) if role == "forwarder" else pick(rng, N.CN_TRADES)
        prefix = pick(rng, N.CN_CITIES) + " " if country == "CN" else ""
        return f"{prefix}{words} {trade} {suffix}", words
    words = _syllable_word(rng, int(rng.integers(1, 3)))
    if rng.random() < 0.35:
        words = f"{pick(rng, N.ADJECTIVES)} {pick(rng, N.NOUNS)}"
    trade = pick(rng, FORWARDER_WORDS) if role == "forwarder" else pick(rng, US_TRADES)
    if country == "RU":
        return f"{suffix} {words} {trade}", words
    return f"{words} {trade} {suffix}", words


def add_company(parties: Parties, rng: np.random.Generator, country: str, role: str, n_variants: int = 4,
                address: str | None = None) -> int:
    for _ in range(50):
        name, words = company_name(rng, country, role)
        if not parties.taken(name):
            break
    if address is None:
        address = us_address(rng, _zip(rng)) if country == "US" else foreign_address(rng, country)
    phone = phone_e164(rng, country)
    box = pick(rng, ("sales", "info", "trade", "service", "ops"))
    email = f"{box}@{_slug(words)}-{_slug(name.split()[-2])}.example"
    return parties.add("company", name, country, address, phone, email, "", role,
                       company_variants(rng, name, country, n_variants), address_variants(rng, address, 3))


def person_name(rng: np.random.Generator, country: str) -> tuple[str, str, str]:
    if country in ("CN", "HK", "TW"):
        return pick(rng, N.CN_GIVEN), "", pick(rng, N.CN_FAMILY)
    if country in ("RU", "UA", "KZ"):
        return pick(rng, N.RU_FIRST), "", pick(rng, N.RU_LAST)
    if country in ("MX", "CO", "GT", "HN", "SV", "DO"):
        return pick(rng, N.ES_FIRST), "", pick(rng, N.ES_LAST)
    middle = ""
    if rng.random() < 0.45:
        middle = pick(rng, N.US_FIRST)
        if rng.random() < 0.5:
            middle = middle[0] + "."
    return pick(rng, N.US_FIRST), middle, pick(rng, N.US_LAST)


def random_dob(rng: np.random.Generator) -> str:
    start = dt.date(1950, 1, 1).toordinal()
    return dt.date.fromordinal(start + int(rng.integers(0, 19_700))).isoformat()


def add_person(parties: Parties, rng: np.random.Generator, country: str, role: str, n_variants: int = 3,
               address: str | None = None, phone: str | None = None) -> int:
    first, middle, last = person_name(rng, country)
    name = " ".join(x for x in (first, middle, last) if x)
    if address is None:
        if country == "US":
            z = _zip(rng)
            address = us_address(rng, z)
            phone = phone or phone_e164(rng, "US", z.area_code or None)
        else:
            address = foreign_address(rng, country)
    phone = phone or phone_e164(rng, country)
    email = email_for(rng, [first.split()[0], last])
    return parties.add("person", name, country, address, phone, email, random_dob(rng), role,
                       person_variants(rng, first, middle, last, country, n_variants),
                       address_variants(rng, address, 2))


@dataclass
class Pools:
    """Index ranges of the ordinary (non-network) parties by role."""

    importers: np.ndarray
    shippers: np.ndarray
    forwarders: np.ndarray
    consumers: np.ndarray
    shipper_country: list[str]


def build_legit_parties(parties: Parties, rng: np.random.Generator, n_importers: int, n_shippers: int,
                        n_forwarders: int, n_consumers: int) -> Pools:
    imp = [add_company(parties, rng, "US", "importer") for _ in range(n_importers)]
    shp_countries = [pick(rng, SHIPPER_COUNTRIES) for _ in range(n_shippers)]
    shp = [add_company(parties, rng, c, "shipper") for c in shp_countries]
    fwd = [add_company(parties, rng, pick(rng, ("US", "CN", "HK", "US")), "forwarder") for _ in range(n_forwarders)]
    con = [add_person(parties, rng, "US", "consignee", n_variants=2) for _ in range(n_consumers)]
    return Pools(np.array(imp), np.array(shp), np.array(fwd), np.array(con), shp_countries)
