"""Database helpers shared by online intake and the bulk importer: offices, numbers, markings, candidates."""

from __future__ import annotations

import fcntl
import functools
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import TextClause, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from pathways.core.clock import as_utc, utcnow
from pathways.core.ids import human_number
from pathways.core.policy import Caveat, Classification, Markings
from pathways.identity import service as identity
from pathways.identity.models import Office
from pathways.identity.offices_file import OfficeSpec
from pathways.store.audit import record_event
from pathways.store.base import Base
from pathways.store.engine import get_engine
from pathways.tips import dedup
from pathways.tips.models import Tip, TipSequence
from pathways.tips.priority import Priority, Reason, level_for
from pathways.tips.routing import specs_from_rows

M = TypeVar("M", bound=Base)
_OFFICES: dict[str, tuple[tuple, list[OfficeSpec], dict[str, str], float]] = {}
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
    """The agency's id (kept per process by ``identity.agency_id``), made if the store has none yet."""
    return identity.agency_id(session) or identity.agency(session).id


def tip_markings(session: Session, office_id: str | None) -> Markings:
    return Markings(classification=Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=agency_id(session),
                    owner_office_id=office_id)


def tipster_markings(session: Session, office_id: str | None) -> Markings:
    return Markings(classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
                    caveats=frozenset({Caveat.TIPSTER_IDENTITY.value}), owner_org_id=agency_id(session),
                    owner_office_id=office_id)


BUNDLING_LOCK = 0x7469707362756E64  # "tipsbund": PostgreSQL's advisory lock for writers that bundle tips


@contextmanager
def bundling_turn() -> Iterator[None]:
    """A turn among the processes that bundle tips into one SQLite database, taken before the write
    transaction begins: the kernel hands the turn on the moment it is free, where SQLite's busy
    handler polls with sleeps of up to 100 ms (the whole tail of a server's latency under load).
    PostgreSQL writers queue on ``lock_bundling`` inside their transaction instead."""
    url = get_engine().url
    path = url.database if url.get_backend_name() == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.bundling-lock", "a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)


def lock_bundling(session: Session) -> None:
    """Writers that read bundles and then write their counts go one at a time, until the commit. On
    SQLite a writer's transaction already holds the database's write lock from its first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": BUNDLING_LOCK})


def next_numbers(session: Session, prefix: str, count: int, when: datetime | None = None) -> list[str]:
    """``count`` fresh human numbers; the counter row is locked for the rest of the transaction."""
    return take_numbers(session, {prefix: count}, when)[prefix]


def take_numbers(session: Session, counts: dict[str, int], when: datetime | None = None) -> dict[str, list[str]]:
    """Fresh human numbers of several counters at once (prefix -> how many). Every writer locks the
    counters in one order (by name) and the audit chain's head after them, so two writers never
    wait for each other crosswise (PostgreSQL would end one of them as a deadlock).

    One ``UPDATE … RETURNING`` takes a counter's numbers and its lock together; the change is audited
    as the ORM would audit it (an ``update`` event with the old and the new value)."""
    year = (when or utcnow()).year
    out: dict[str, list[str]] = {}
    changed: list[tuple[str, int, int]] = []
    for prefix in sorted(counts):
        count = counts[prefix]
        if count <= 0:
            out[prefix] = []
            continue
        start, seq_id = _bump(session, f"{prefix}{year % 100:02d}", count)
        if seq_id is not None:
            changed.append((seq_id, start, start + count))
        out[prefix] = [human_number(prefix, year, start + i + 1, width=7) for i in range(count)]
    for seq_id, old, new in changed:
        record_event(session, "update", "tip_sequences", seq_id, value=[old, new])
    return out


def _bump(session: Session, name: str, count: int) -> tuple[int, str | None]:
    """Advance a counter by ``count``: (its value before, its id), or (0, None) for a counter made
    now, whose creation the ORM audits."""
    bump = (update(TipSequence).where(TipSequence.name == name).values(value=TipSequence.value + count)
            .returning(TipSequence.id, TipSequence.value))
    conn = session.connection()
    row = conn.execute(bump).one_or_none()
    if row is None:  # the year's first numbers, as ``store.numbers.allocate_numbers`` makes a counter
        try:
            with session.begin_nested():
                session.add(TipSequence(name=name, value=count))
            return 0, None
        except IntegrityError:  # another writer created it first: wait for its lock
            row = conn.execute(bump).one()
    return row[1] - count, row[0]


def as_loaded(session: Session, model: type[M], row: dict[str, Any]) -> M:
    """A row this transaction just wrote with a Core insert, as the object a query would return,
    without the query: in the session, its columns loaded, later changes flushed (and audited) as
    usual. Columns the row leaves out must have a constant default (or none), as the insert used."""
    values = {}
    for column in model.__table__.columns:
        if column.key in row:
            values[column.key] = row[column.key]
        elif column.default is None:
            values[column.key] = None
        elif column.default.is_scalar:
            values[column.key] = column.default.arg
        else:
            raise ValueError(f"{model.__tablename__}.{column.key}: give the value the insert wrote")
    obj = model(**values)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


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
    part = "SELECT * FROM (SELECT key, tip_id, received_at FROM tip_keys WHERE key = :k{i} " \
           "ORDER BY received_at DESC LIMIT :n) AS r{i}"
    return text(" UNION ALL ".join(part.format(i=i) for i in range(n_keys)))


_RECENT_BY_KEY_PG = text(
    "SELECT k.key, r.tip_id, r.received_at FROM unnest(CAST(:keys AS text[])) AS k(key) CROSS JOIN LATERAL "
    "(SELECT tip_id, received_at FROM tip_keys WHERE tip_keys.key = k.key ORDER BY received_at DESC LIMIT :n) AS r")


def db_candidates(session: Session, keys: Iterable[str], per_key: int = dedup.MAX_PER_KEY) -> list[Candidate]:
    """Tips already stored that share a key (an identifier or an LSH band), the most recent first,
    each with the bundle it is in now."""
    by_key = candidates_by_key(session, keys, per_key)
    found = {c.tip_id: c for cands in by_key.values() for c in cands}
    return sorted(found.values(), key=lambda c: c.features.received_at, reverse=True)


def candidates_by_key(session: Session, keys: Iterable[str], per_key: int = dedup.MAX_PER_KEY
                      ) -> dict[str, list[Candidate]]:
    """Per key, the most recent ``per_key`` stored tips that share it, the most recent first (one
    statement for the keys, one for the tips)."""
    wanted = sorted(set(keys))
    rows: list[Any] = []
    if session.get_bind().dialect.name == "postgresql":  # one plan, where a UNION's takes 10-30 ms to make
        rows = list(session.execute(_RECENT_BY_KEY_PG, {"keys": wanted, "n": per_key})) if wanted else []
    else:
        for start in range(0, len(wanted), 400):
            part = wanted[start:start + 400]
            params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(part)}
            params["n"] = per_key
            rows += session.execute(_recent_by_key(len(part)), params)
    hits: dict[str, list[str]] = {}
    for key, tid, _ in rows:
        hits.setdefault(key, []).append(tid)
    ids = sorted({tid for tids in hits.values() for tid in tids})
    found: dict[str, Candidate] = {}
    for i in range(0, len(ids), 900):
        tips = session.execute(
            select(Tip.id, Tip.bundle_id, Tip.received_at, Tip.identifiers, Tip.signature, Tip.location, Tip.category,
                   Tip.number)
            .where(Tip.id.in_(ids[i:i + 900]))
        ).all()
        for tid, bid, at, idents, sig, loc, cat, number in tips:
            feats = dedup.DedupFeatures(as_utc(at), frozenset((idents or "").splitlines()), sig,
                                        _location_key(loc), cat)
            found[tid] = Candidate(tid, bid, feats, number)
    return {key: [found[t] for t in tids if t in found] for key, tids in hits.items()}


@functools.lru_cache(maxsize=4096)
def _location_key(stored: str | None) -> str:
    return dedup.location_key(json.loads(stored or "{}"))
