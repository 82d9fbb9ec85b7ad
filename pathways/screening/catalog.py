"""What screening knows of the recordations and the parties, frozen for one run.

The catalog is read once from the database (active and expired recordations — an expired one
still protects lines that arrived while it was in force — their products, authorized
manufacturers and countries) and travels to worker processes and Spark executors as plain data;
each builds its ``MarkMatcher`` once. A recordation change bumps the registry's index version,
so the next run compiles a new matcher (``catalog_version``).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core.errors import InvalidInput
from pathways.registry.models import (
    INDEX_VERSION_ID,
    Recordation,
    RecordationProduct,
    RegistryIndexVersion,
    Status,
)
from pathways.screening.matcher import MarkMatcher, MarkSpec, gc_paused, words
from pathways.seizures.service import all_history_keys, party_key
from pathways.store.audit import record_event
from pathways.store.base import decode_tokens

# HTS chapters that fit the goods of each Nice class.
CLASS_CHAPTERS: dict[int, frozenset[str]] = {
    3: frozenset({"33", "34"}), 5: frozenset({"30", "21"}), 8: frozenset({"82", "84"}),
    9: frozenset({"84", "85", "90", "95", "49"}), 11: frozenset({"85", "94", "84", "73"}),
    12: frozenset({"87", "84", "85", "40", "70"}), 14: frozenset({"71", "91"}),
    16: frozenset({"48", "49", "58", "63"}), 18: frozenset({"42", "43"}),
    21: frozenset({"39", "69", "70", "73", "76", "96"}), 25: frozenset({"42", "61", "62", "63", "64", "65"}),
    26: frozenset({"58", "63", "96"}), 28: frozenset({"95", "49"}),
}
LEGAL_FORMS = frozenset({"LTD", "LIMITED", "CO", "COMPANY", "INC", "LLC", "L L C", "CORP", "CORPORATION", "GMBH",
                         "SA", "SAS", "SPA", "SRL", "KK", "BV", "AG", "PLC", "PTE", "PTY", "SDN", "BHD", "OY", "AB"})


def core_name(name: str) -> str:
    """A company's name without legal forms: how two spellings of one maker are compared."""
    return " ".join(t for t in party_key(name).split() if t not in LEGAL_FORMS and len(t) > 1)


@dataclass(frozen=True)
class Product:
    name: str  # lower case
    msrp: float
    hts: str


@dataclass(frozen=True)
class RecFacts:
    index: int
    recordation_id: str
    record_number: str
    registration_number: str
    mark: str
    countries: frozenset[str]
    makers: tuple[str, ...]  # core names of authorized manufacturers and licensees
    classes: tuple[int, ...]
    chapters: frozenset[str]
    gray_market: bool
    msrp: float | None
    products: tuple[Product, ...] = ()
    in_force_until: date | None = None  # None while active; an expired recordation protects lines that
    # arrived before its expiry plus the renewal window

    def product_for(self, description: str, hts: str) -> Product | None:
        """The recorded product a line describes: by name in the description, else by HTS code."""
        low = description.lower()
        named = [p for p in self.products if p.name and p.name in low]
        if named:
            return max(named, key=lambda p: len(p.name))
        same = [p for p in self.products if p.hts and hts and p.hts[:7] == hts[:7]]
        return min(same, key=lambda p: p.msrp) if same else None


@dataclass(frozen=True)
class MarkSet:
    """What the matcher is compiled from: the marks in the catalog's order (a spec's index is its
    recordation's) and the folded words that name goods. Read ahead of the rest of the catalog, so
    workers compile the matcher and match descriptions while the catalog is still loading."""

    specs: tuple[MarkSpec, ...]
    vocabulary: frozenset[str]
    digest: str


@dataclass
class Catalog:
    recs: list[RecFacts]
    version: int
    marks: MarkSet
    digest: str = ""
    history: dict[str, tuple[int, str]] = field(default_factory=dict)  # party key -> (events, summary)


RENEWAL_DAYS = 90  # the registry's window after expiry
_MATCHERS: dict[str, MarkMatcher] = {}
_SCREENED = (Status.ACTIVE, Status.EXPIRED)


def matcher_for(marks: MarkSet) -> MarkMatcher:
    """One compiled matcher per mark set per process (workers and Spark executors too)."""
    m = _MATCHERS.get(marks.digest)
    if m is None:
        _MATCHERS.clear()
        m = _MATCHERS[marks.digest] = MarkMatcher(marks.specs, marks.vocabulary)
    return m


def _mark_set(recs: Sequence[Any], product_names: Iterable[str]) -> MarkSet:
    """``recs``: (record_number, registration_number, mark, classes_json, …) in record number order."""
    specs = tuple(MarkSpec(i, r.record_number, r.registration_number, r.mark) for i, r in enumerate(recs))
    vocab: set[str] = set()
    for goods in {str(c.get("goods", "")) for r in recs for c in json.loads(r.classes_json or "[]")}:
        vocab.update(words(goods))
    for name in set(product_names):
        vocab.update(words(name.lower()))
    marked = {w for spec in specs for w in words(spec.mark)}
    vocabulary = frozenset(w for w in vocab - marked if len(w) > 3)
    body = json.dumps([[(m.record_number, m.registration_number, m.mark) for m in specs], sorted(vocabulary)])
    return MarkSet(specs, vocabulary, hashlib.sha256(body.encode()).hexdigest())


def load_marks(session: Session) -> MarkSet:
    """The marks alone: two narrow queries, a fraction of the whole catalog's load."""
    R = Recordation
    with gc_paused():
        recs = session.execute(select(R.record_number, R.registration_number, R.mark, R.classes_json)
                               .where(R.status.in_(_SCREENED)).order_by(R.record_number)).all()
        return _mark_set(recs, session.execute(select(RecordationProduct.name)).scalars())


def catalog_version(session: Session) -> int:
    row = session.get(RegistryIndexVersion, INDEX_VERSION_ID)
    return row.version if row else 0


def load_catalog(session: Session, *, with_history: bool = True) -> Catalog:
    with gc_paused():  # a hundred thousand small frozen objects
        return _load_catalog(session, with_history)


def _load_catalog(session: Session, with_history: bool) -> Catalog:
    version = catalog_version(session)
    # plain rows, not ORM objects: 20,000 recordations and 60,000 products load in a fraction of the time
    R = Recordation
    recs = session.execute(select(R.id, R.record_number, R.registration_number, R.mark, R.status, R.expires_on,
                                  R.class_tokens, R.classes_json, R.places_of_manufacture, R.authorized_json,
                                  R.gray_market, R.msrp_usd)
                           .where(R.status.in_(_SCREENED)).order_by(R.record_number)).all()
    products: dict[str, list[Product]] = {}
    P = RecordationProduct
    for rid, name, msrp, hts in session.execute(select(P.recordation_id, P.name, P.msrp_usd, P.hts_code)):
        products.setdefault(rid, []).append(Product(name.lower(), float(msrp), hts or ""))
    facts = []
    for i, r in enumerate(recs):
        classes = tuple(sorted(int(c) for c in decode_tokens(r.class_tokens)))
        chapters = frozenset().union(*(CLASS_CHAPTERS.get(c, frozenset()) for c in classes)) if classes else frozenset()
        authorized = json.loads(r.authorized_json or "[]")
        facts.append(RecFacts(
            index=i, recordation_id=r.id, record_number=r.record_number, registration_number=r.registration_number,
            mark=r.mark, countries=frozenset(decode_tokens(r.places_of_manufacture)),
            makers=tuple(sorted({core_name(a.get("name", "")) for a in authorized} - {""})), classes=classes,
            chapters=chapters, gray_market=bool(r.gray_market), msrp=float(r.msrp_usd) if r.msrp_usd else None,
            products=tuple(sorted(products.get(r.id, []), key=lambda p: p.name)),
            in_force_until=None if r.status == Status.ACTIVE else r.expires_on + timedelta(days=RENEWAL_DAYS)))
    body = json.dumps([(f.record_number, f.mark, sorted(f.countries), f.makers, f.classes, f.gray_market, f.msrp,
                        [(p.name, p.msrp, p.hts) for p in f.products], str(f.in_force_until)) for f in facts],
                      sort_keys=True)
    marks = _mark_set(recs, (prod.name for plist in products.values() for prod in plist))
    catalog = Catalog(facts, version, marks, hashlib.sha256(body.encode()).hexdigest())
    if with_history:
        catalog.history = {k: (h.events, h.summary + " (" + ", ".join(sorted(h.records)[:3]) + ")")
                           for k, h in all_history_keys(session).items()}
    return catalog


def load_products(session: Session, path: Path) -> tuple[int, int]:
    """Products with MSRP from the world's ``products.csv`` for recordations that have none yet.

    Returns (products added, recordations skipped because they already list products)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: not UTF-8") from None
    need = {"registration_number", "product", "hts_code", "msrp_usd"}
    if rows and not need <= set(rows[0]):
        raise InvalidInput(f"{path.name}: missing column(s) {', '.join(sorted(need - set(rows[0])))}")
    by_reg = {r.registration_number: r for r in session.execute(select(Recordation)).scalars()}
    has = set(session.execute(select(RecordationProduct.recordation_id).distinct()).scalars())
    added, skipped = 0, set()
    for n, row in enumerate(rows, start=1):
        rec = by_reg.get(row["registration_number"].strip())
        if rec is None:
            continue
        if rec.id in has:
            skipped.add(rec.id)
            continue
        try:
            msrp = Decimal(row["msrp_usd"]).quantize(Decimal("0.01"))
        except ArithmeticError:
            raise InvalidInput(f"{path.name}: row {n}: msrp_usd {row['msrp_usd']!r} is not a number") from None
        session.add(RecordationProduct(recordation_id=rec.id, name=row["product"].strip()[:200], msrp_usd=msrp,
                                       hts_code=row["hts_code"].strip()[:20] or None))
        added += 1
    if added:
        record_event(session, "import", "recordation_products", None, file=path.name, added=added)
    return added, len(skipped)
