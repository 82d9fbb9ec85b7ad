"""Audit API: search events and verify the chain (auditors and administrators)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_scope, viewer
from pathways.audit import service
from pathways.audit.schemas import AuditEventOut, ChainOut

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("/events", response_model=list[AuditEventOut], summary="Search audit events, newest first")
def events(
    request: Request,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    origin: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: str | None = Query(None, description="Text inside the event detail"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = Depends(db),
) -> list[AuditEventOut]:
    v = viewer(request)
    require_scope(v, "audit")
    query = service.AuditQuery(actor, action, object_type, object_id, origin, since, until, q)
    return [AuditEventOut.model_validate(e) for e in service.search(session, v, query, limit, offset)]


@router.get("/verify", response_model=ChainOut, summary="Check that the hash chain is whole")
def verify(request: Request, session: Session = Depends(db)) -> ChainOut:
    v = viewer(request)
    require_scope(v, "audit")
    service.require_auditor(v)
    report = service.verify(session)
    return ChainOut(intact=report.intact, checked=report.checked, broken_seq=report.broken_seq, reason=report.reason)
