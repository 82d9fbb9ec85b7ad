"""Matching a new party record against the existing entities, online, with the last run's models.

A tip arriving or a seizure being recorded names parties; each new party mention finds candidate
mentions through the blocking keys the last run indexed (``entity_keys``), is scored against them
with the saved models (no training), and joins the best entity at or above the threshold, or starts
a new one. Pairs in the review band go to the review queue as in a full run.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core.policy import Viewer, system_viewer
from pathways.identity.service import agency_id
from pathways.resolve.entity_models import Entity, EntityEvent, EntityKey, EntityMatch, ReviewPair, Verdict
from pathways.resolve.features import FEATURE_COLUMNS, bare_name, features
from pathways.resolve.incremental import ScoredPair, candidate_keys, score_candidates
from pathways.resolve.models import Mention
from pathways.resolve.party_records import records_for
from pathways.resolve.records import SCHEMA
from pathways.resolve.service import judged_pairs, latest_models, link_settings, ordered

MAX_CANDIDATES = 500
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Placement:
    mention_id: str
    entity_id: str
    joined: bool  # joined an existing entity (else a new one was started)
    probability: float | None
    explanation: str


def _copies(record: dict[str, Any], candidates: list[dict[str, Any]]) -> list[ScoredPair]:
    """Candidates written the same way as the record once normalized: a full run scores such copies
    once and puts them together (see ``linkage``), so placement does the same. A bare name is no copy of
    another record's bare name: a full run tells those apart by the company they keep."""
    table = features(pa.Table.from_pylist([record, *candidates], schema=SCHEMA))
    rows = table.select(["id", *FEATURE_COLUMNS]).to_pylist()
    if bare_name(rows[0]):
        return []
    mine = tuple(rows[0][c] for c in FEATURE_COLUMNS)
    return [ScoredPair(record["id"], r["id"], 1.0, 0.0, "written the same way as another mention (name and "
                       "identifiers identical)") for r in rows[1:] if tuple(r[c] for c in FEATURE_COLUMNS) == mine]


def resolve_new(session: Session, viewer: Viewer, record_keys: Iterable[tuple[str, str]]) -> list[Placement]:
    """Place the unresolved party mentions of these records, given as (record_type, record_id).

    Does nothing before the first resolution run (there are no models yet): that run places them."""
    models = latest_models(session)
    if not models:
        return []
    records, attached_of, current = records_for(session, record_keys)
    settings = link_settings()
    judged = judged_pairs(session)
    out = []
    for rec in records.to_pylist():
        if rec["id"] in current:
            continue
        keys = candidate_keys(rec)
        cand_ids = list(session.execute(select(EntityKey.mention_id).where(EntityKey.key.in_(keys))
                                        .distinct().limit(MAX_CANDIDATES)).scalars()) if keys else []
        scored = []
        if cand_ids:
            where = session.execute(select(Mention.record_type, Mention.record_id)
                                    .where(Mention.id.in_(cand_ids))).all()
            cands, _, cand_entity = records_for(session, [(t, i) for t, i in where])
            wanted = set(cand_ids)
            candidates = [c for c in cands.to_pylist() if c["id"] in wanted and c["id"] in cand_entity]
            scored = [s for s in _copies(rec, candidates) + score_candidates(models, rec, candidates)
                      if judged.get(ordered(s.id_l, s.id_r)) != Verdict.NOT_SAME]
            scored.sort(key=lambda s: -s.probability)
        best = scored[0] if scored else None
        if best is not None and best.probability >= settings.threshold:
            other = best.id_r if best.id_l == rec["id"] else best.id_l
            entity = session.get(Entity, cand_entity[other])
            assert entity is not None
            entity.mention_count += 1
            session.add(EntityMatch(mention_id=rec["id"], other_mention_id=other, probability=best.probability,
                                    match_weight=best.match_weight, explanation=best.explanation))
            placement = Placement(rec["id"], entity.id, True, best.probability, best.explanation)
        else:
            entity = Entity(kind=rec.get("kind") or "organization", mention_count=1)
            session.add(entity)
            session.flush()
            session.add(EntityEvent(entity_id=entity.id, kind="created", mentions=1,
                                    detail="a new record matched no existing entity"))
            placement = Placement(rec["id"], entity.id, False, best.probability if best else None,
                                  best.explanation if best else "")
        for mid in (rec["id"], *attached_of.get(rec["id"], ())):
            m = session.get(Mention, mid)
            if m is not None:
                m.entity_id = entity.id
        session.add_all(EntityKey(key=k[:300], mention_id=rec["id"]) for k in keys)
        low, high = settings.review_band
        for s in scored:
            if low <= s.probability < high and ordered(s.id_l, s.id_r) not in judged:
                a, b = ordered(s.id_l, s.id_r)
                session.add(ReviewPair(mention_l=a, mention_r=b, kind=rec.get("kind") or "", probability=s.probability,
                                       match_weight=s.match_weight, explanation=s.explanation))
        out.append(placement)
    session.flush()
    return out


class _Placer:
    """One background thread that places committed records' parties, in order, each in a transaction of
    its own: the request that wrote the record never waits for it (nor for a lock it holds itself)."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[list[tuple[str, str]]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, keys: list[tuple[str, str]]) -> None:
        self.jobs.put(keys)
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._work, name="pathways-placement", daemon=True)
                self.thread.start()

    def _work(self) -> None:
        while True:
            keys = self.jobs.get()
            try:
                _place(keys)
            finally:
                self.jobs.task_done()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted record is placed (or ``timeout`` passes); True when done."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.jobs.unfinished_tasks


_placer = _Placer()
drain = _placer.drain
atexit.register(drain, 10.0)  # a command that wrote a record places its parties before it exits


def place_committed(record_keys: Iterable[tuple[str, str]]) -> None:
    """Queue the party mentions of records just committed for placement (see ``_Placer``)."""
    _placer.submit(list(record_keys))


def _place(keys: list[tuple[str, str]]) -> None:
    """A failure here never undoes the record: the next resolution run places what was missed."""
    from pathways.store.session import unit_of_work

    try:
        with unit_of_work(system_viewer("resolve"), readonly=True) as session:
            if latest_models(session) is None:
                return  # nothing resolved yet: the first run places these records
            viewer = system_viewer("resolve", agency_id(session))
        with unit_of_work(viewer) as session:
            resolve_new(session, viewer, keys)
    except Exception:  # the record is safe whatever happens here
        log.exception("placing the parties of %d new record(s) failed; the next resolution run will", len(keys))
