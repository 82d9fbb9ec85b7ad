"""Rights owners, their recordations (fictional marks) and the products those marks appear on."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from pathways.world import names as N
from pathways.world.catalog import CATEGORIES, CLASS_GOODS, Category
from pathways.world.parties import Parties, Pools
from pathways.world.rng import pick

_HOST_CUTS = tuple(w[1:6].upper() for w in N.HOST_WORDS)  # "terracotta" -> "ERRAC"


@dataclass
class Recordation:
    type: str  # trademark | copyright | trade_name
    registration_number: str
    mark: str
    owner: str
    owner_country: str
    categories: tuple[str, ...]
    classes: tuple[int, ...]
    goods: str
    manufacturers: tuple[int, ...]  # party indexes of authorized manufacturers
    authorized_countries: tuple[str, ...]
    gray_market: bool
    msrp_usd: float
    expires: str
    host_word: str = ""  # for a mark cut out of a common word: that word
    similar_to: int = -1  # index of a deliberately similar legitimate mark


@dataclass
class ProductLine:
    recordation: int
    product: str
    category: str
    hts_code: str
    msrp_usd: float


@dataclass
class Brands:
    recordations: list[Recordation]
    products: list[ProductLine]
    products_by_recordation: list[list[int]]
    popularity: np.ndarray  # sampling weight per recordation for trade and counterfeiting


def _is_denied(mark: str) -> bool:
    tokens = mark.replace("-", " ").split()
    return mark in N.REAL_MARK_DENYLIST or any(t in N.REAL_MARK_DENYLIST for t in tokens) or \
        "".join(tokens) in N.REAL_MARK_DENYLIST


def coined_mark(rng: np.random.Generator) -> str:
    n = int(rng.integers(1, 3))
    stem = "".join(pick(rng, N.ONSETS) + pick(rng, N.VOWELS) for _ in range(n))
    return (stem + pick(rng, N.CODAS) + pick(rng, N.ENDINGS)).upper()


def similar_mark(rng: np.random.Generator, mark: str) -> str:
    """A legitimately different mark that looks close to `mark` (a different owner records it)."""
    vowels = "AEIOU"
    pos = [i for i, ch in enumerate(mark) if ch in vowels and i > 0]
    if pos and rng.random() < 0.7:
        i = pos[-1] if rng.random() < 0.6 else pos[int(rng.integers(len(pos)))]
        sub = pick(rng, [v for v in vowels if v != mark[i]])
        return mark[:i] + sub + mark[i + 1 :]
    return mark + pick(rng, ("A", "E", "O", "IS"))


_CUM_WEIGHTS = np.cumsum([c.weight for c in CATEGORIES]) / sum(c.weight for c in CATEGORIES)


def _choose_categories(rng: np.random.Generator) -> tuple[Category, ...]:
    first = int(np.searchsorted(_CUM_WEIGHTS, rng.random(), side="right"))
    chosen = {min(first, len(CATEGORIES) - 1)}
    if rng.random() >= 0.75:
        chosen.add(min(int(np.searchsorted(_CUM_WEIGHTS, rng.random(), side="right")), len(CATEGORIES) - 1))
    return tuple(CATEGORIES[i] for i in sorted(chosen))


def _goods(rtype: str, cats: tuple[Category, ...]) -> str:
    """One `;` item per Nice class (the registry pairs item n with class n); copyrights name the work."""
    if rtype == "copyright":
        return "; ".join(c.goods.replace("; ", ", ") for c in cats)
    classes = sorted({k for c in cats for k in c.nice_classes})
    return "; ".join(CLASS_GOODS[k] for k in classes)


def _price(rng: np.random.Generator, low: float, high: float) -> float:
    value = float(np.exp(rng.uniform(np.log(low), np.log(high))))
    return round(value) - 0.01 if value > 20 else round(value, 2)


def build_brands(rng: np.random.Generator, n: int, parties: Parties, pools: Pools) -> Brands:
    marks: list[str] = []
    seen: set[str] = set()
    host: dict[str, str] = {}
    similar: dict[int, int] = {}
    for cut, word in zip(_HOST_CUTS, N.HOST_WORDS, strict=True):
        if len(marks) < max(3, n // 40):
            marks.append(cut)
            seen.add(cut)
            host[cut] = word
    while len(marks) < n:
        r = rng.random()
        if r < 0.04 and marks:
            base = int(rng.integers(len(marks)))
            m = similar_mark(rng, marks[base])
            if m not in seen and not _is_denied(m):
                similar[len(marks)] = base
        elif r < 0.24:
            m = f"{pick(rng, N.ADJECTIVES)} {pick(rng, N.NOUNS)}".upper()
            if m in seen:
                m = f"{pick(rng, N.ADJECTIVES)} {coined_mark(rng).title()}".upper()
        else:
            m = coined_mark(rng)
        if m in seen or _is_denied(m) or len(m) < 4:
            continue
        seen.add(m)
        marks.append(m)

    # manufacturers: shippers in manufacturing countries
    maker_by_country: dict[str, list[int]] = defaultdict(list)
    for idx, c in zip(pools.shippers.tolist(), pools.shipper_country, strict=True):
        if c in N.MANUFACTURING_COUNTRIES:
            maker_by_country[c].append(idx)
    maker_countries = sorted(maker_by_country)

    seq: dict[str, int] = defaultdict(int)
    recs: list[Recordation] = []
    products: list[ProductLine] = []
    by_rec: list[list[int]] = []
    for i, mark in enumerate(marks):
        t = rng.random()
        rtype = "trademark" if t < 0.86 or mark in host or i in similar else ("copyright" if t < 0.94 else "trade_name")
        cats = _choose_categories(rng)
        if rtype == "copyright":
            key = pick(rng, ("optical", "optical", "toys", "apparel"))
            cats = (next(c for c in CATEGORIES if c.key == key),)
        year = int(rng.integers(2016, 2027))
        prefix = {"trademark": "TMK", "copyright": "COP", "trade_name": "TNM"}[rtype]
        seq[f"{prefix}{year}"] += 1
        regno = f"{prefix} {year % 100:02d}-{seq[f'{prefix}{year}']:05d}"
        owner_country = pick(rng, N.BRAND_OWNER_COUNTRIES)
        suffix = pick(rng, N.COMPANY_SUFFIX.get(owner_country, ("Ltd.",)))
        owner = f"{mark.title()} {pick(rng, ('Holdings', 'Brands', 'Group', 'International', 'Worldwide'))} {suffix}"
        countries = [pick(rng, maker_countries) for _ in range(int(rng.integers(1, 4)))]
        manufacturers = tuple(sorted({
            maker_by_country[c][int(rng.integers(len(maker_by_country[c])))] for c in countries}))
        auth = tuple(sorted({parties.country[m] for m in manufacturers}))
        prods: list[int] = []
        for cat in cats:
            k = int(rng.integers(1, min(4, len(cat.products)) + 1))
            for j in sorted(rng.permutation(len(cat.products))[:k].tolist()):
                p = cat.products[j]
                prods.append(len(products))
                products.append(ProductLine(i, p.name, cat.label, p.hts_code, _price(rng, p.msrp_low, p.msrp_high)))
        expires = dt.date(year + 10, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        if rng.random() < 0.04:
            expires = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
        recs.append(Recordation(
            type=rtype, registration_number=regno, mark=mark if rtype != "trade_name" else owner.upper(),
            owner=owner, owner_country=owner_country, categories=tuple(c.label for c in cats),
            classes=() if rtype == "copyright" else tuple(sorted({k for c in cats for k in c.nice_classes})),
            goods=_goods(rtype, cats), manufacturers=manufacturers, authorized_countries=auth,
            gray_market=bool(rng.random() < 0.2),
            msrp_usd=round(statistics.median(products[p].msrp_usd for p in prods), 2),
            expires=expires.isoformat(), host_word=host.get(mark, ""), similar_to=similar.get(i, -1),
        ))
        by_rec.append(prods)
    popularity = rng.zipf(1.6, size=len(recs)).astype(float)
    popularity = np.minimum(popularity, 500.0)
    return Brands(recs, products, by_rec, popularity / popularity.sum())
