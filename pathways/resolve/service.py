"""Resolution runs and judgements: party records in, entities with stable ids out.

A run reads every party record (``party_records``), links them (``linkage.link``, Splink), honours
the analysts' judgements, keeps entity ids stable (``stable_ids``), and writes what changed: the
entity of each mention, the entities' history, the review queue and the blocking keys that let a
new record find its entity online. Everything a run writes carries its id and is audited as one
event; judgements are audited one by one.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, cast

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput, NotFound
from pathways.core.ids import new_id
from pathways.core.policy import Viewer
from pathways.core.settings import get_settings
from pathways.resolve import blocking
from pathways.resolve.entity_models import (
    Entity,
    EntityEvent,
    EntityKey,
    EntityMatch,
    EntityStatus,
    Judgement,
    ResolutionRun,
    ReviewPair,
    ReviewStatus,
    Verdict,
)
from pathways.resolve.features import FEATURE_COLUMNS, features
from pathways.resolve.linkage import LinkSettings, link
from pathways.resolve.models import Mention
from pathways.resolve.party_records import party_records
from pathways.resolve.stable_ids import Assignment, assign_ids
from pathways.store.audit import record_event

CHUNK = 5_000
Progress = Callable[[str], None]


def link_settings(engine: str = "duckdb") -> LinkSettings:
    s = get_settings()
    return LinkSettings(threshold=s.resolve_threshold, review_band=(s.resolve_review_low, s.resolve_threshold),
                        engine=engine)


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def judged_pairs(session: Session) -> dict[tuple[str, str], str]:
    """The latest verdict on every judged pair."""
    rows = session.execute(select(Judgement.mention_l, Judgement.mention_r, Judgement.verdict)
                           .order_by(Judgement.judged_at, Judgement.id)).all()
    return {(a, b): v for a, b, v in rows}


def latest_models(session: Session) -> dict[str, dict[str, Any]] | None:
    text = session.execute(select(ResolutionRun.models)
                           .where(ResolutionRun.status == "done", ResolutionRun.models != "")
                           .order_by(ResolutionRun.started_at.desc()).limit(1)).scalar_one_or_none()
    return json.loads(text) if text else None


def run(session: Session, viewer: Viewer, *, engine: str = "duckdb", retrain: bool = True,
        progress: Progress | None = None) -> ResolutionRun:
    """Resolve every party record in the store into entities (see the module docstring)."""
    say = progress or (lambda _: None)
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now
        say(f"{stage} done in {timings[stage]:.1f} s")

    models = None if retrain else latest_models(session)
    r = ResolutionRun(engine=engine, trained=models is None, user_id=viewer.user_id)
    session.add(r)
    session.flush()
    say("reading party records")
    records, attached_of, current = party_records(session)
    lap("read")
    featured = features(records)  # once, for the linkage, the entities' kinds and the blocking keys
    lap("features")
    judged = judged_pairs(session)
    settings = link_settings(engine)
    say(f"linking {records.num_rows:,} party records")
    linkage = link(featured, settings=settings, models=models,
                   same=[p for p, v in judged.items() if v == Verdict.SAME],
                   not_same=[p for p, v in judged.items() if v == Verdict.NOT_SAME])
    lap("link")
    clusters: dict[str, list[str]] = {}
    for mid, cid in zip(linkage.clusters.column("id").to_pylist(), linkage.clusters.column("cluster_id").to_pylist(),
                        strict=True):
        clusters.setdefault(cid, []).append(mid)
    assignment = assign_ids(clusters, current, new_id)
    kinds = dict(zip(featured.column("id").to_pylist(), featured.column("entity_kind").to_pylist(), strict=True))
    _write_entities(session, r.id, assignment, kinds, current)
    _write_memberships(session, assignment, attached_of, current)
    lap("entities")
    r.review_pairs = _write_review(session, r.id, linkage.pairs, settings, judged)
    _write_matches(session, r.id, linkage.pairs, assignment, settings, judged, featured)
    keyed = _write_keys(session, r.id, featured)
    lap("review and keys")
    counts = Counter(e.kind.value for e in assignment.events)
    r.records, r.pairs, r.entities = records.num_rows, linkage.pairs.num_rows, len(assignment.members)
    r.created, r.merges, r.splits = counts["created"] + counts["split_from"], counts["merged_into"], counts["split"]
    r.models = json.dumps(linkage.models)
    r.stats = json.dumps({**linkage.stats, "timings": timings, "keyed": keyed}, default=str)
    r.status, r.finished_at = "done", utcnow()
    record_event(session, "resolve", "resolution_runs", r.id, records=r.records, entities=r.entities,
                 created=r.created, merges=r.merges, splits=r.splits, review_pairs=r.review_pairs)
    session.flush()
    return r


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


def _write_entities(session: Session, run_id: str, a: Assignment, kinds: dict[str, str],
                    current: dict[str, str]) -> None:
    now = utcnow()
    before = Counter(current.values())
    new_rows = [{"id": eid, "kind": _kind(a.members[eid], kinds), "status": EntityStatus.ACTIVE,
                 "mention_count": len(a.members[eid]), "run_id": run_id, "created_at": now, "updated_at": now}
                for eid in sorted(a.created)]
    for chunk in _chunks(new_rows):
        session.execute(insert(Entity), chunk)
    changed = a.changed - a.created
    updates = [{"id": eid, "mention_count": len(ms), "status": EntityStatus.ACTIVE, "merged_into": None,
                "run_id": run_id, "updated_at": now}
               for eid, ms in a.members.items()
               if eid not in a.created and (eid in changed or before[eid] != len(ms))]
    updates += [{"id": old, "mention_count": 0, "status": EntityStatus.MERGED, "merged_into": survivor,
                 "run_id": run_id, "updated_at": now} for old, survivor in a.merged_into.items()]
    updates += [{"id": old, "mention_count": 0, "status": EntityStatus.RETIRED, "merged_into": None,
                 "run_id": run_id, "updated_at": now} for old in a.retired]
    for chunk in _chunks(updates):
        session.execute(update(Entity), chunk)
    events = [{"id": new_id(), "entity_id": e.entity_id, "kind": e.kind.value, "other_ids": "|".join(e.other_ids),
               "mentions": e.mentions, "run_id": run_id, "at": now} for e in a.events]
    for chunk in _chunks(events):
        session.execute(insert(EntityEvent), chunk)


def _kind(members: list[str], kinds: dict[str, str]) -> str:
    return Counter(kinds.get(m) or "organization" for m in members).most_common(1)[0][0]


def _write_memberships(session: Session, a: Assignment, attached_of: dict[str, list[str]],
                       current: dict[str, str]) -> None:
    """Point each moved party mention, and the identifiers that describe it, at its entity."""
    rows = [{"id": mid, "entity_id": eid} for mid, eid in a.entity_of.items() if current.get(mid) != eid]
    rows += [{"id": aid, "entity_id": r["entity_id"]} for r in list(rows) for aid in attached_of.get(r["id"], ())]
    for chunk in _chunks(rows):
        session.execute(update(Mention), chunk)


def _band(pairs: pa.Table, low: float, high: float) -> pa.Table:
    p = pairs.column("probability")
    return pairs.filter(pc.and_(pc.greater_equal(p, low), pc.less(p, high)))


def _write_review(session: Session, run_id: str, pairs: pa.Table, s: LinkSettings,
                  judged: dict[tuple[str, str], str]) -> int:
    """The uncertain pairs go to review; pairs no longer uncertain leave it; judged pairs never come back."""
    band = _band(pairs, s.review_band[0], s.review_band[1]).to_pylist()
    wanted = {ordered(p["id_l"], p["id_r"]): p for p in band if ordered(p["id_l"], p["id_r"]) not in judged}
    existing = {(a, b): (pid, status) for pid, a, b, status in session.execute(
        select(ReviewPair.id, ReviewPair.mention_l, ReviewPair.mention_r, ReviewPair.status)
        .where(ReviewPair.status != ReviewStatus.JUDGED)).all()}
    now = utcnow()
    stale = [{"id": pid, "status": ReviewStatus.STALE, "run_id": run_id}
             for key, (pid, status) in existing.items() if key not in wanted and status == ReviewStatus.OPEN]
    refresh, fresh = [], []
    for key, p in wanted.items():
        values = {"probability": float(p["probability"]), "match_weight": float(p["match_weight"]),
                  "explanation": p["explanation"], "kind": p["kind"], "status": ReviewStatus.OPEN, "run_id": run_id}
        if key in existing:
            refresh.append({"id": existing[key][0], **values})
        else:
            fresh.append({"id": new_id(), "mention_l": key[0], "mention_r": key[1], "created_at": now, **values})
    for chunk in _chunks(stale + refresh):
        session.execute(update(ReviewPair), chunk)
    for chunk in _chunks(fresh):
        session.execute(insert(ReviewPair), chunk)
    return len(wanted)


def _write_matches(session: Session, run_id: str, pairs: pa.Table, a: Assignment, s: LinkSettings,
                   judged: dict[tuple[str, str], str], featured: pa.Table) -> None:
    """Each member's strongest link inside its entity: the answer to "why is this mention here?"."""
    best: dict[str, dict[str, Any]] = {}
    # Records written identically are scored once (see linkage): each copy points at the first of them.
    same_text = pl.from_arrow(featured.select(["id", *FEATURE_COLUMNS]))
    assert isinstance(same_text, pl.DataFrame)
    copies = same_text.with_columns(pl.col("id").min().over(list(FEATURE_COLUMNS)).alias("first")).filter(
        pl.col("id") != pl.col("first"))
    identical = {"probability": 1.0, "match_weight": 0.0, "judged": False,
                 "explanation": "written the same way as another mention (name and identifiers identical)"}
    for mid, first in copies.select("id", "first").iter_rows():
        if a.entity_of.get(mid) == a.entity_of.get(first):
            best[mid] = {"mention_id": mid, "other_mention_id": first, **identical}

    def offer(mid: str, other: str, row: dict[str, Any]) -> None:
        if a.entity_of.get(mid) == a.entity_of.get(other) and (
                mid not in best or row["probability"] > best[mid]["probability"]
                or (row["probability"] == best[mid]["probability"] and row["judged"])):
            best[mid] = {"mention_id": mid, "other_mention_id": other, **row}

    for (left, right), verdict in judged.items():
        if verdict == Verdict.SAME:
            row = {"probability": 1.0, "match_weight": 0.0, "explanation": "judged the same by an analyst",
                   "judged": True}
            offer(left, right, row)
            offer(right, left, row)
    strong = pairs.filter(pc.greater_equal(pairs.column("probability"), s.threshold))
    for p in strong.select(["id_l", "id_r", "probability", "match_weight", "explanation"]).to_pylist():
        row = {"probability": float(p["probability"]), "match_weight": float(p["match_weight"]),
               "explanation": p["explanation"], "judged": False}
        offer(p["id_l"], p["id_r"], row)
        offer(p["id_r"], p["id_l"], row)
    session.query(EntityMatch).delete(synchronize_session=False)
    rows = [{"id": new_id(), "run_id": run_id, **row} for row in best.values()]
    for chunk in _chunks(rows):
        session.execute(insert(EntityMatch), chunk)


def _first_copies(featured: pa.Table) -> pa.Table:
    """One record of each group written identically (the smallest id): a manifest repeats a shipper
    thousands of times, and one copy is all a new record needs to be compared with."""
    df = pl.from_arrow(featured)
    assert isinstance(df, pl.DataFrame)
    return df.filter(pl.col("id") == pl.col("id").min().over(list(FEATURE_COLUMNS))).to_arrow()


def _write_keys(session: Session, run_id: str, featured: pa.Table) -> int:
    """Blocking keys of the party records not keyed yet (a record's keys never change), one copy each."""
    keyed = set(session.execute(select(EntityKey.mention_id).distinct()).scalars())
    firsts = _first_copies(featured)
    fresh = firsts.filter(pc.invert(pc.is_in(firsts.column("id"), pa.array(list(keyed), pa.string()))))
    rows: list[dict[str, Any]] = []
    for rec in fresh.to_pylist():
        rows.extend({"id": new_id(), "key": k[:300], "mention_id": rec["id"], "run_id": run_id}
                    for k in blocking.candidate_keys(rec))
        if len(rows) >= CHUNK:
            session.execute(insert(EntityKey), rows)
            rows = []
    if rows:
        session.execute(insert(EntityKey), rows)
    return fresh.num_rows


def judge(session: Session, viewer: Viewer, pair_id: str, verdict: str, note: str = "") -> Judgement:
    """An analyst's verdict on a review pair. "Same" joins the two entities now; "not same" takes the
    judged mention out of a shared entity now; both hold on every later run."""
    if verdict not in {v.value for v in Verdict}:
        raise InvalidInput(f"verdict must be one of same, not_same, unsure (got {verdict!r})")
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise NotFound(f"review pair {pair_id} not found")
    j = Judgement(mention_l=pair.mention_l, mention_r=pair.mention_r, verdict=verdict, note=note.strip()[:1000],
                  probability=pair.probability, user_id=viewer.user_id)
    session.add(j)
    pair.status = ReviewStatus.JUDGED if verdict != Verdict.UNSURE else ReviewStatus.OPEN
    session.flush()
    if verdict == Verdict.SAME:
        _join(session, pair.mention_l, pair.mention_r)
    elif verdict == Verdict.NOT_SAME:
        _separate(session, pair.mention_l, pair.mention_r)
    return j


def judge_mentions(session: Session, viewer: Viewer, a: str, b: str, verdict: str, note: str = "") -> Judgement:
    """Judge any two party mentions (e.g. "this mention is not the party it was linked to" on an entity page)."""
    if a == b:
        raise InvalidInput("a mention cannot be judged against itself")
    left, right = ordered(a, b)
    pair = session.execute(select(ReviewPair).where(ReviewPair.mention_l == left, ReviewPair.mention_r == right)
                           ).scalar_one_or_none()
    if pair is None:
        match = session.execute(select(EntityMatch).where(
            ((EntityMatch.mention_id == a) & (EntityMatch.other_mention_id == b))
            | ((EntityMatch.mention_id == b) & (EntityMatch.other_mention_id == a)))).scalars().first()
        kind = session.execute(select(Mention.kind).where(Mention.id == a)).scalar_one_or_none()
        if kind is None:
            raise NotFound(f"mention {a} not found")
        pair = ReviewPair(mention_l=left, mention_r=right, kind=kind, probability=match.probability if match else 0.0,
                          match_weight=match.match_weight if match else 0.0,
                          explanation=match.explanation if match else "")
        session.add(pair)
        session.flush()
    return judge(session, viewer, pair.id, verdict, note)


def _entity_of(session: Session, mention_id: str) -> str | None:
    return session.execute(select(Mention.entity_id).where(Mention.id == mention_id)).scalar_one_or_none()


def _join(session: Session, a: str, b: str) -> None:
    ea, eb = _entity_of(session, a), _entity_of(session, b)
    if not ea or not eb or ea == eb:
        return
    keep, gone = sorted((ea, eb), key=lambda e: (-_size(session, e), e))
    moved = _move(session, update(Mention).where(Mention.entity_id == gone).values(entity_id=keep))
    survivor, absorbed = session.get(Entity, keep), session.get(Entity, gone)
    assert survivor is not None and absorbed is not None
    survivor.mention_count += absorbed.mention_count
    absorbed.mention_count, absorbed.status, absorbed.merged_into = 0, EntityStatus.MERGED, keep
    session.add_all([EntityEvent(entity_id=keep, kind="merged", other_ids=gone, mentions=moved,
                                 detail="an analyst judged two of their mentions the same"),
                     EntityEvent(entity_id=gone, kind="merged_into", other_ids=keep, mentions=moved,
                                 detail="an analyst judged two of their mentions the same")])


def _separate(session: Session, a: str, b: str) -> None:
    ea, eb = _entity_of(session, a), _entity_of(session, b)
    if not ea or ea != eb:
        return
    m = session.get(Mention, b)
    assert m is not None
    fresh = Entity(kind=m.kind, mention_count=1)
    session.add(fresh)
    session.flush()
    same_party = ((Mention.field == m.field) | Mention.field.startswith(m.field + "."))
    moved = _move(session, update(Mention).where(Mention.record_type == m.record_type, Mention.record_id == m.record_id,
                                                 Mention.entity_id == ea, same_party).values(entity_id=fresh.id))
    old = session.get(Entity, ea)
    assert old is not None
    old.mention_count = max(old.mention_count - 1, 0)
    session.add_all([EntityEvent(entity_id=ea, kind="split", other_ids=fresh.id, mentions=moved,
                                 detail="an analyst judged two of its mentions not the same"),
                     EntityEvent(entity_id=fresh.id, kind="split_from", other_ids=ea, mentions=moved,
                                 detail="an analyst judged two of its mentions not the same")])


def _move(session: Session, stmt: Any) -> int:
    """Run an UPDATE of mentions; how many rows it moved."""
    return int(cast(CursorResult[Any], session.execute(stmt)).rowcount)


def _size(session: Session, entity_id: str) -> int:
    return session.execute(select(func.count()).where(Mention.entity_id == entity_id)).scalar_one()
