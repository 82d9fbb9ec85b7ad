"""The audit page: search the log, newest first, and verify the hash chain (auditors, administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit import service
from pathways.core.clock import utcnow
from pathways.core.policy import Classification, Role, Viewer
from pathways.store.audit import AuditEvent
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem
from pathways.web.tables import Column, Table, count_rows
from pathways.web.templating import render

router = APIRouter()

READERS = (Role.AUDITOR, Role.ADMIN)
NAV = [
    NavItem("Audit log", "/audit", frozenset(READERS),
            description="Search every read and write, and prove the log is whole.", order=90),
]
# Audit details may quote any record that was written, so the page carries the highest marking in use.
MARKING = Classification.LAW_ENFORCEMENT_SENSITIVE
FILTERS = ("actor", "action", "object_type", "object_id", "origin", "since", "until", "q")
COLUMNS = [
    Column("seq", "#", sortable=False, numeric=True),
    Column("at", "When", sortable=False),
    Column("actor", "Actor", sortable=False),
    Column("action", "Action", sortable=False),
    Column("object", "Object", sortable=False),
    Column("origin", "Origin", sortable=False),
    Column("detail", "Detail", sortable=False),
]


def parse_when(text: str, *, end: bool = False) -> datetime | None:
    """``2026-05-01`` or ``2026-05-01T14:30`` (UTC). A bare ``until`` date includes that whole day."""
    text = text.strip()
    if not text:
        return None
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text}” is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@dataclass
class ChainResult:
    intact: bool
    checked: int
    broken_seq: int | None
    reason: str
    event: AuditEvent | None = None


def _query(table: Table) -> tuple[service.AuditQuery, list[str]]:
    f = table.filters
    errors = []
    since = until = None
    try:
        since = parse_when(f["since"])
    except ValueError as exc:
        errors.append(f"Since: {exc}.")
    try:
        until = parse_when(f["until"], end=True)
    except ValueError as exc:
        errors.append(f"Until: {exc}.")
    q = service.AuditQuery(
        actor=f["actor"] or None, action=f["action"] or None, object_type=f["object_type"] or None,
        object_id=f["object_id"] or None, origin=f["origin"] or None, since=since, until=until, text=f["q"] or None,
    )
    return q, errors


def _audit_page(request: Request, ctx: PageContext, chain: ChainResult | None = None) -> HTMLResponse:
    ctx.require(*READERS)
    table = Table.from_request("events", "/audit", request.query_params, COLUMNS, "seq", "desc",
                               filter_keys=FILTERS, per_page=50, empty="No audit events match this search.",
                               caption="Audit events, newest first")
    query, errors = _query(table)
    if not errors:
        total = count_rows(ctx.session, service.search_statement(query))
        table.total = total
        table.page = min(table.page, table.pages)
        table.set_page(service.search(ctx.session, ctx.viewer, query, table.per_page, table.offset), total)
    return render(request, "audit/audit.html", title="Audit log", table=table, errors=errors, chain=chain,
                  actions=service.action_names(ctx.session), object_types=service.object_types(ctx.session),
                  marking=MARKING)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, ctx: PageContext = Depends(page)) -> HTMLResponse:
    return _audit_page(request, ctx)


@router.post("/audit/verify", response_class=HTMLResponse)
def verify(request: Request, ctx: PageContext = Depends(page)) -> HTMLResponse:
    ctx.require(*READERS)
    report = service.verify(ctx.session)
    chain = ChainResult(report.intact, report.checked, report.broken_seq, report.reason)
    if report.broken_seq is not None:
        chain.event = ctx.session.execute(
            select(AuditEvent).where(AuditEvent.seq == report.broken_seq)
        ).scalar_one_or_none()
    if request.headers.get("hx-request"):
        return render(request, "audit/_chain.html", chain=chain)
    return _audit_page(request, ctx, chain)


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    if not viewer.has_role(*READERS):
        return []
    midnight = datetime.combine(utcnow().date(), time(0), tzinfo=UTC)
    today = count_rows(session, service.search_statement(service.AuditQuery(since=midnight)))
    return [DashboardCard("Audit events today", today, "/audit?since=" + midnight.date().isoformat(),
                          "since 00:00 UTC", order=30)]
