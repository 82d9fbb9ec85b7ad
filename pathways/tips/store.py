"""Database helpers shared by online intake and the bulk importer: offices, numbers, markings, candidates."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.ids import human_number
from pathways.core.policy import Caveat, Classification, Markings
from pathways.identity import service as identity
from pathways.identity.models import Office
from pathways.identity.offices_file import OfficeSpec
from pathways.store.engine import is_postgres
from pathways.tips import dedup
from pathways.tips.models import Tip, TipSequence
from pathways.tips.priority import Priority, Reason, level_for
from pathways.tips.routing import specs_from_rows

_OFFICES: dict[str, tuple[tuple, list[OfficeSpec], dict[str, str], float]] = {}
_AGENCY: dict[str, str] = {}
OFFICES_TTL = 30.0  # seconds an intake process trusts its copy of the offices table


def offices(session: Session) -> tuple[list[OfficeSpec], dict[str, str]]:
    """The active offices as routing specs, and code -> office id; re-read when the table changes
    (checked at most every OFFICES_TTL seconds)."""
    url = str(session.get_bind().engine.url)
    hit = _OFFICES.get(url)
    now = time.monotonic()
    if hit is not None and now - hit[3] < OFFICES_TTL:
        return hit[1], hit[2]
    stamp = tuple(session.execute(select(func.count(Office.id), func.max(Office.updated_at))).one())
    if hit is not None and hit[0] == stamp:
        _OFFICES[url] = (hit[0], hit[1], hit[2], now)
        return hit[1], hit[2]
    rows = list(session.execute(select(Office)).scalars())
    specs = specs_from_rows(rows)
    ids = {o.code: o.id for o in rows}
    if specs:  # nothing loaded yet: ask again next time
        _OFFICES[url] = (stamp, specs, ids, now)
    return specs, ids


def agency_id(session: Session) -> str:
    url = str(session.get_bind().engine.url)
    if url not in _AGENCY:
        _AGENCY[url] = identity.agency(session).id
    return _AGENCY[url]


def tip_markings(session: Session, office_id: str | None) -> Markings:
    return Markings(classification=Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=agency_id(session),
                    owner_office_id=office_id)


def tipster_markings(session: Session, office_id: str | None) -> Markings:
    return Markings(classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
                    caveats=frozenset({Caveat.TIPSTER_IDENTITY.value}), owner_org_id=agency_id(session),
                    owner_office_id=office_id)


def next_numbers(session: Session, prefix: str, count: int, when: datetime | None = None) -> list[str]:
    """``count`` fresh human numbers; the counter row is locked for the rest of the transaction."""
    year = (when or utcnow()).year
    name = f"{prefix}{year % 100:02d}"
    stmt = select(TipSequence).where(TipSequence.name == name)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    seq = session.execute(stmt).scalar_one_or_none()
    if seq is None:  # the year's first numbers, as ``store.numbers.allocate_numbers`` makes a counter
        try:
            with session.begin_nested():
                seq = TipSequence(name=name, value=0)
                session.add(seq)
        except IntegrityError:  # another writer created it first: wait for its lock
            seq = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    start = seq.value
    seq.value = start + count
    return [human_number(prefix, year, start + i + 1, width=7) for i in range(count)]


def corroboration(reports: int) -> Reason | None:
    return Reason(min(20, 5 * (reports - 1)), f"corroborated by {reports} reports") if reports > 1 else None


def bundle_priority(base: list[Reason], reports: int) -> Priority:
    reasons = [r for r in base if not r.text.startswith("corroborated by")]
    corr = corroboration(reports)
    if corr:
        reasons.append(corr)
    total = max(0, sum(r.points for r in reasons))
    return Priority(level_for(total), total, tuple(reasons))


def reasons_json(p: Priority) -> str:
    return json.dumps([[r.points, r.text] for r in p.reasons])


def reasons_from_json(text: str) -> list[Reason]:
    return [Reason(int(p), str(t)) for p, t in json.loads(text or "[]")]


@dataclass
class Candidate:
    tip_id: str
    bundle_id: str
    features: dedup.DedupFeatures
    number: str = ""


@functools.lru_cache(maxsize=64)
def _recent_by_key(n_keys: int) -> TextClause:
    """One statement for all of a tip's keys: per key an index range scan (key, received_at DESC,
    LIMIT), however many tips share it."""
    part = "SELECT * FROM (SELECT tip_id, received_at FROM tip_keys WHERE key = :k{i} " \
           "ORDER BY received_at DESC LIMIT :n) AS r{i}"
    return text(" UNION ALL ".join(part.format(i=i) for i in range(n_keys)))


def db_candidates(session: Session, keys: Iterable[str], per_key: int = dedup.MAX_PER_KEY) -> list[Candidate]:
    """Tips already stored that share a key (an identifier or an LSH band), the most recent first,
    each with the bundle it is in now."""
    order: dict[str, Any] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), 400):
        part = wanted[start:start + 400]
        params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(part)}
        params["n"] = per_key
        for tid, at in session.execute(_recent_by_key(len(part)), params):
            if tid not in order or at > order[tid]:
                order[tid] = at
    if not order:
        return []
    out: list[Candidate] = []
    ids = sorted(order, key=lambda t: order[t], reverse=True)
    for i in range(0, len(ids), 900):
        rows = session.execute(
            select(Tip.id, Tip.bundle_id, Tip.received_at, Tip.identifiers, Tip.signature, Tip.location, Tip.category,
                   Tip.number)
            .where(Tip.id.in_(ids[i:i + 900]))
        ).all()
        found = {}
        for tid, bid, at, idents, sig, loc, cat, number in rows:
            feats = dedup.DedupFeatures(as_utc(at), frozenset((idents or "").splitlines()), sig,
                                        _location_key(loc), cat)
            found[tid] = Candidate(tid, bid, feats, number)
        out.extend(found[t] for t in ids[i:i + 900] if t in found)
    return out


@functools.lru_cache(maxsize=4096)
def _location_key(stored: str | None) -> str:
    return dedup.location_key(json.loads(stored or "{}"))
