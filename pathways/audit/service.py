"""Verify and search the audit log. Writing it is the store's job (``pathways.store.audit``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pathways.core.errors import Forbidden
from pathways.core.policy import Role, Viewer
from pathways.store.audit import AuditEvent, ChainReport, record_event, verify_chain


@dataclass
class AuditQuery:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    origin: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


def require_auditor(viewer: Viewer) -> None:
    if not viewer.has_role(Role.AUDITOR, Role.ADMIN):
        raise Forbidden("only auditors and administrators may read the audit log")


def search_statement(q: AuditQuery) -> Select[Any]:
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if q.actor:
        stmt = stmt.where(AuditEvent.actor == q.actor.strip().lower())
    if q.action:
        stmt = stmt.where(AuditEvent.action == q.action.strip())
    if q.object_type:
        stmt = stmt.where(AuditEvent.object_type == q.object_type.strip())
    if q.object_id:
        stmt = stmt.where(AuditEvent.object_id == q.object_id.strip())
    if q.origin:
        stmt = stmt.where(AuditEvent.origin == q.origin.strip())
    if q.since:
        stmt = stmt.where(AuditEvent.at >= q.since)
    if q.until:
        stmt = stmt.where(AuditEvent.at < q.until)
    if q.text:
        stmt = stmt.where(AuditEvent.detail.contains(q.text.strip(), autoescape=True))
    return stmt


def search(session: Session, viewer: Viewer, q: AuditQuery, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    """Events newest first. Searching the log is itself audited."""
    require_auditor(viewer)
    record_event(session, "audit_search", "audit_events", None, **{k: str(v) for k, v in vars(q).items() if v})
    return list(session.execute(search_statement(q).limit(limit).offset(offset)).scalars())


def verify(session: Session) -> ChainReport:
    return verify_chain(session)


def action_names(session: Session) -> list[str]:
    return sorted(session.execute(select(AuditEvent.action).distinct()).scalars())


def object_types(session: Session) -> list[str]:
    return sorted(session.execute(select(AuditEvent.object_type).distinct()).scalars())
