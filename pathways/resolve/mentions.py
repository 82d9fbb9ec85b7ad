"""Writing mentions and relations: one at a time online, or in bulk from a batch load."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.ids import new_id
from pathways.core.policy import Markings, Role, Viewer
from pathways.resolve.models import Mention, MentionKind, Relation, RelationKind
from pathways.store.audit import record_event
from pathways.store.base import encode_tokens

CHUNK = 5_000
# who may open entity pages (analysts and agents, their supervisors, administrators)
ENTITY_READERS = frozenset({Role.INTELLIGENCE_ANALYST, Role.SPECIAL_AGENT, Role.SUPERVISOR, Role.ADMIN})
NEW_PARTIES = "pathways.new_parties"  # session.info key: records whose party mentions await placement


def add_mention(
    session: Session,
    *,
    kind: MentionKind,
    value: str,
    normalized: str,
    source: str,
    record_type: str,
    record_id: str,
    field: str,
    markings: Markings,
) -> Mention:
    """An online mention (a tip arriving, a case subject added), audited like any write."""
    mention = Mention(kind=kind.value, value=value[:500], normalized=normalized[:500], source=source,
                      record_type=record_type, record_id=record_id, field=field)
    mention.apply_markings(markings)
    session.add(mention)
    if kind in (MentionKind.PERSON, MentionKind.ORGANIZATION):
        note_new_parties(session, record_type, record_id)
    return mention


def note_new_parties(session: Session, record_type: str, record_id: str) -> None:
    """A record wrote party mentions online (by ``add_mention`` or by its own Core insert): once the
    transaction commits, its parties are matched against the entities."""
    session.info.setdefault(NEW_PARTIES, set()).add((record_type, record_id))


@event.listens_for(Session, "after_commit")
def _place_new_parties(session: Session) -> None:
    """Once a record's party mentions are committed, match them against the entities (online)."""
    keys = session.info.pop(NEW_PARTIES, None)
    if keys:
        from pathways.resolve.online import place_committed

        place_committed(keys)


@event.listens_for(Session, "after_soft_rollback")
def _forget_new_parties(session: Session, previous_transaction: object) -> None:
    session.info.pop(NEW_PARTIES, None)


def add_relation(
    session: Session, kind: RelationKind, source: Mention, target: Mention, record_type: str, record_id: str,
    markings: Markings,
) -> Relation:
    relation = Relation(kind=kind.value, source_mention_id=source.id, target_mention_id=target.id,
                        record_type=record_type, record_id=record_id)
    relation.apply_markings(markings)
    session.add(relation)
    return relation


def marking_columns(m: Markings) -> dict[str, Any]:
    """The column values of a ``Marked`` row, for Core inserts that bypass the ORM."""
    return {
        "classification": int(m.classification),
        "caveats": encode_tokens(m.caveats),
        "compartments": encode_tokens(m.compartments),
        "releasable_to": encode_tokens(m.releasable_to),
        "owner_org_id": m.owner_org_id,
        "owner_office_id": m.owner_office_id,
    }


def bulk_load(
    session: Session,
    *,
    mentions: Iterable[Mapping[str, Any]],
    relations: Iterable[Mapping[str, Any]] = (),
    markings: Markings,
    load_id: str | None = None,
    **detail: Any,
) -> tuple[str, int, int]:
    """Insert mentions and relations in chunks with one audit event for the whole load.

    Each mention row needs kind, value, normalized, source, record_type, record_id, field and may
    carry its own ``id`` (so relations can point at it); relation rows need kind, source_mention_id,
    target_mention_id, record_type, record_id. Returns (load_id, mentions, relations)."""
    load_id = load_id or new_id()
    common = {**marking_columns(markings), "load_id": load_id, "created_at": utcnow()}
    counts = []
    for model, rows in ((Mention, mentions), (Relation, relations)):
        total, chunk = 0, []
        for row in rows:
            chunk.append({**common, **row, "id": row.get("id") or new_id()})
            if len(chunk) >= CHUNK:
                session.execute(insert(model), chunk)
                total, chunk = total + len(chunk), []
        if chunk:
            session.execute(insert(model), chunk)
            total += len(chunk)
        counts.append(total)
    record_event(session, "load", "mentions", load_id, mentions=counts[0], relations=counts[1], **detail)
    session.flush()
    return load_id, counts[0], counts[1]


def entity_links(session: Session, viewer: Viewer, record_type: str, record_id: str) -> dict[str, str]:
    """The entity of each party a record names (field -> entity id), for links from the record's page;
    empty for viewers who may not open entity pages."""
    if not viewer.has_role(*ENTITY_READERS):
        return {}
    from sqlalchemy import select

    from pathways.store.policy import visible

    stmt: Any = select(Mention.field, Mention.entity_id).where(
        Mention.record_type == record_type, Mention.record_id == record_id,
        Mention.kind.in_((MentionKind.PERSON.value, MentionKind.ORGANIZATION.value)), Mention.entity_id.is_not(None))
    return {f: e for f, e in session.execute(visible(session, stmt, Mention, viewer)).all()}


def entity_aliases(session: Session, keys: Iterable[str]) -> dict[str, set[str]]:
    """For each normalized party name, the other normalized names its resolved entity goes by.

    A shipper seized as "Sunrise Trading Co., Ltd" and resolved together with "SUNRISE TRDG CO LTD" on
    manifest lines gives each name the other: how party history reaches a party's other spellings."""
    from sqlalchemy import select

    kinds = (MentionKind.PERSON.value, MentionKind.ORGANIZATION.value)
    wanted = sorted({k for k in keys if k})
    entity_of: dict[str, set[str]] = {}
    for i in range(0, len(wanted), 500):
        stmt = (select(Mention.normalized, Mention.entity_id).where(
            Mention.kind.in_(kinds), Mention.normalized.in_(wanted[i:i + 500]), Mention.entity_id.is_not(None))
            .distinct())
        for norm, eid in session.execute(stmt).all():
            entity_of.setdefault(str(eid), set()).add(norm)
    out: dict[str, set[str]] = {}
    ids = sorted(entity_of)
    for i in range(0, len(ids), 500):
        stmt2 = (select(Mention.entity_id, Mention.normalized).where(
            Mention.entity_id.in_(ids[i:i + 500]), Mention.kind.in_(kinds)).distinct())
        names: dict[str, set[str]] = {}
        for eid, norm in session.execute(stmt2).all():
            names.setdefault(str(eid), set()).add(norm)
        for eid, all_names in names.items():
            for k in entity_of[eid]:
                out.setdefault(k, set()).update(all_names - {k})
    return out
