"""What a viewer sees of entities: search, the entity page, the review queue. Always through the
mentions the viewer may see, so an entity never shows a restricted record's name or identifiers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session, aliased

from pathways.core.errors import NotFound
from pathways.core.policy import Viewer
from pathways.resolve.entity_models import (
    Entity,
    EntityEvent,
    EntityMatch,
    EntityStatus,
    ResolutionRun,
    ReviewPair,
    ReviewStatus,
)
from pathways.resolve.models import Mention, Relation
from pathways.resolve.party_records import PARTY_KINDS
from pathways.screening.models import TargetedLine
from pathways.store.audit import record_reads
from pathways.store.base import Marked
from pathways.store.policy import visibility_clause, visible

# where each source's record opens in the UI
RECORD_LINKS = {"manifest_line": "/screening/lines/{}", "tip": "/tips/{}", "seizure": "/seizures/{}",
                "detention": "/detentions/{}"}
SOURCE_LABELS = {"screening": "Manifest", "tips": "Tip", "seizures": "Seizure"}


@dataclass
class EntitySummary:
    id: str
    kind: str
    names: list[str]
    sources: list[str]
    mentions: int


@dataclass
class EntityPage:
    entity: Entity
    name: str
    mentions: list[Mention]
    names: list[tuple[str, int]]
    identifiers: list[tuple[str, str, int]]  # kind, value, how many mentions
    relations: list[dict[str, Any]]
    events: list[EntityEvent]
    matches: dict[str, EntityMatch]
    review: list[ReviewPair]
    sources: Counter[str] = field(default_factory=Counter)
    targeted: set[str] = field(default_factory=set)  # manifest lines with a page of their own (targeted)
    shared: dict[tuple[str, str], list[EntitySummary]] = field(default_factory=dict)  # identifier -> other entities

    def link(self, m: Mention) -> str | None:
        if m.record_type == "manifest_line" and m.record_id not in self.targeted:
            return None  # only targeted lines are kept in the database; the rest live in the line store
        return record_link(m.record_type, m.record_id)


def record_link(record_type: str, record_id: str) -> str | None:
    pattern = RECORD_LINKS.get(record_type)
    return pattern.format(record_id) if pattern else None


def record_href(session: Session, m: Mention) -> str | None:
    """The page of a mention's record, when it has one (of manifest lines, only targeted ones do)."""
    if m.record_type == "manifest_line" and session.execute(
            select(TargetedLine.id).where(TargetedLine.line_id == m.record_id)).first() is None:
        return None
    return record_link(m.record_type, m.record_id)


def _summaries(session: Session, viewer: Viewer, entity_ids: list[str]) -> list[EntitySummary]:
    if not entity_ids:
        return []
    stmt = select(Mention).where(Mention.entity_id.in_(entity_ids), Mention.kind.in_(PARTY_KINDS))
    rows = session.execute(visible(session, stmt, Mention, viewer)).scalars().all()
    record_reads(session, rows)
    by_entity: dict[str, list[Mention]] = {}
    for m in rows:
        by_entity.setdefault(cast(str, m.entity_id), []).append(m)
    kinds = dict(session.execute(select(Entity.id, Entity.kind).where(Entity.id.in_(entity_ids))).all())
    out = []
    for eid in entity_ids:
        ms = by_entity.get(eid)
        if ms:
            names = [n for n, _ in Counter(m.value for m in ms).most_common(3)]
            out.append(EntitySummary(eid, kinds.get(eid, ms[0].kind), names,
                                     sorted({SOURCE_LABELS.get(m.source, m.source) for m in ms}), len(ms)))
    return out


def search(session: Session, viewer: Viewer, q: str = "", kind: str = "", limit: int = 25,
           offset: int = 0) -> list[EntitySummary]:
    """Entities with a visible party mention or identifier matching ``q`` (largest first without ``q``)."""
    q = " ".join(q.split())
    if q:
        like = f"%{q.upper()}%"
        stmt = (select(Mention.entity_id).where(Mention.entity_id.is_not(None),
                                                or_(Mention.value.ilike(f"%{q}%"), Mention.normalized.ilike(like),
                                                    Mention.normalized == q.lower()))
                .distinct().limit(limit + offset + 200))
        ids = [i for i in session.execute(visible(session, stmt, Mention, viewer)).scalars()]
        if kind:
            ids = list(session.execute(select(Entity.id).where(Entity.id.in_(ids), Entity.kind == kind)).scalars())
        sizes = dict(session.execute(select(Entity.id, Entity.mention_count).where(Entity.id.in_(ids))).all())
        ids = sorted(ids, key=lambda i: (-sizes.get(i, 0), i))[offset:offset + limit]
        return _summaries(session, viewer, ids)
    stmt = select(Entity.id).where(Entity.status == EntityStatus.ACTIVE)
    if kind:
        stmt = stmt.where(Entity.kind == kind)
    out: list[EntitySummary] = []
    page = offset
    while len(out) < limit:
        ids = list(session.execute(stmt.order_by(Entity.mention_count.desc(), Entity.id)
                                   .limit(limit * 2).offset(page)).scalars())
        if not ids:
            break
        out.extend(_summaries(session, viewer, ids))
        page += len(ids)
    return out[:limit]


def entity_page(session: Session, viewer: Viewer, entity_id: str) -> EntityPage:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"entity {entity_id} not found")
    stmt = select(Mention).where(Mention.entity_id == entity_id).order_by(Mention.created_at, Mention.id)
    mentions = list(session.execute(visible(session, stmt, Mention, viewer)).scalars())
    if entity.status == EntityStatus.ACTIVE and not mentions:
        raise NotFound(f"entity {entity_id} not found")
    record_reads(session, mentions)
    parties = [m for m in mentions if m.kind in PARTY_KINDS]
    names = Counter(m.value for m in parties).most_common()
    idents = Counter((m.kind, m.value) for m in mentions if m.kind not in PARTY_KINDS)
    ids = [m.id for m in mentions]
    events = list(session.execute(select(EntityEvent).where(EntityEvent.entity_id == entity_id)
                                  .order_by(EntityEvent.at, EntityEvent.id)).scalars())
    matches = {m.mention_id: m for m in session.execute(
        select(EntityMatch).where(EntityMatch.mention_id.in_(ids))).scalars()} if ids else {}
    review = list(session.execute(select(ReviewPair).where(
        ReviewPair.status == ReviewStatus.OPEN,
        or_(ReviewPair.mention_l.in_(ids), ReviewPair.mention_r.in_(ids))).order_by(ReviewPair.probability.desc())
        .limit(20)).scalars()) if ids else []
    lines = [m.record_id for m in parties if m.record_type == "manifest_line"]
    targeted = set(session.execute(select(TargetedLine.line_id).where(TargetedLine.line_id.in_(lines))).scalars()) \
        if lines else set()
    return EntityPage(entity, names[0][0] if names else f"Entity {entity_id[:8]}", mentions, names,
                      [(k, v, n) for (k, v), n in sorted(idents.items())], _relations(session, viewer, ids),
                      events, matches, review, Counter(SOURCE_LABELS.get(m.source, m.source) for m in parties),
                      targeted, _shared(session, viewer, entity_id, mentions))


def _shared(session: Session, viewer: Viewer, entity_id: str, mentions: list[Mention]
            ) -> dict[tuple[str, str], list[EntitySummary]]:
    """Other entities whose visible records carry one of this entity's identifiers (the same normalized
    phone, e-mail, account or address): how identifiers link parties the matcher keeps apart."""
    by_kind: dict[str, dict[str, str]] = {}
    for m in mentions:
        if m.kind not in PARTY_KINDS and m.normalized:
            by_kind.setdefault(m.kind, {}).setdefault(m.normalized, m.value)
    found: dict[tuple[str, str], set[str]] = {}
    for kind, values in by_kind.items():
        stmt: Any = (select(Mention.normalized, Mention.entity_id).where(
            Mention.kind == kind, Mention.normalized.in_(list(values)[:200]), Mention.entity_id.is_not(None),
            Mention.entity_id != entity_id).distinct().limit(200))
        for norm, eid in session.execute(visible(session, stmt, Mention, viewer)).all():
            found.setdefault((kind, values[norm]), set()).add(eid)
    summaries = {e.id: e for e in _summaries(session, viewer, sorted({e for es in found.values() for e in es}))}
    return {key: [summaries[e] for e in sorted(es) if e in summaries] for key, es in sorted(found.items())}


def _relations(session: Session, viewer: Viewer, ids: list[str]) -> list[dict[str, Any]]:
    """The entity's links to other entities, as its records state them, through visible mentions only."""
    if not ids:
        return []
    other = aliased(Mention)
    rows = []
    for mine, theirs, outgoing in ((Relation.source_mention_id, Relation.target_mention_id, True),
                                   (Relation.target_mention_id, Relation.source_mention_id, False)):
        stmt = (select(Relation.kind, Relation.record_type, Relation.record_id, other.entity_id, other.value)
                .join(other, other.id == theirs).where(mine.in_(ids))
                .where(visibility_clause(session, cast(type[Marked], other), viewer)).limit(500))
        rows += [{"kind": k, "record_type": rt, "record_id": rid, "entity_id": eid, "name": name,
                  "outgoing": outgoing} for k, rt, rid, eid, name in session.execute(stmt).all()]
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        g = grouped.setdefault((r["kind"], r["outgoing"], r["entity_id"] or r["name"]),
                               {**r, "records": 0})
        g["records"] += 1
    return sorted(grouped.values(), key=lambda g: (-g["records"], g["name"]))


@dataclass
class ReviewItem:
    pair: ReviewPair
    left: Mention
    right: Mention


def review_queue(session: Session, viewer: Viewer, limit: int = 25, offset: int = 0) -> list[ReviewItem]:
    """Open pairs whose two mentions the viewer may both see: first those a verdict would change (the two
    are in different entities now), then the rest; most probable first within each."""
    left, right = aliased(Mention), aliased(Mention)
    stmt = (select(ReviewPair, left, right).join(left, left.id == ReviewPair.mention_l)
            .join(right, right.id == ReviewPair.mention_r).where(ReviewPair.status == ReviewStatus.OPEN)
            .where(visibility_clause(session, cast(type[Marked], left), viewer))
            .where(visibility_clause(session, cast(type[Marked], right), viewer))
            .order_by(case((left.entity_id == right.entity_id, 1), else_=0), ReviewPair.probability.desc(),
                      ReviewPair.id).limit(limit).offset(offset))
    items = [ReviewItem(p, a, b) for p, a, b in session.execute(stmt).all()]
    record_reads(session, [m for i in items for m in (i.left, i.right)])
    return items


def review_count(session: Session, viewer: Viewer) -> int:
    return len(review_queue(session, viewer, limit=1000))


def review_item(session: Session, viewer: Viewer, pair_id: str) -> ReviewItem:
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise NotFound(f"review pair {pair_id} not found")
    sides = []
    for mid in (pair.mention_l, pair.mention_r):
        stmt = visible(session, select(Mention).where(Mention.id == mid), Mention, viewer)
        m = session.execute(stmt).scalar_one_or_none()
        if m is None:
            raise NotFound(f"review pair {pair_id} not found")
        sides.append(m)
    record_reads(session, sides)
    return ReviewItem(pair, sides[0], sides[1])


def party_details(session: Session, viewer: Viewer, m: Mention) -> list[tuple[str, str]]:
    """The party's identifiers as its record states them (same record and field), visible ones only."""
    stmt = select(Mention).where(Mention.record_type == m.record_type, Mention.record_id == m.record_id,
                                 Mention.id != m.id,
                                 or_(Mention.field == m.field, Mention.field.startswith(m.field + ".")))
    rows = session.execute(visible(session, stmt, Mention, viewer)).scalars().all()
    return [(r.kind, r.value) for r in rows]


def runs(session: Session, limit: int = 10) -> list[ResolutionRun]:
    return list(session.execute(select(ResolutionRun).order_by(ResolutionRun.started_at.desc()).limit(limit))
                .scalars())
