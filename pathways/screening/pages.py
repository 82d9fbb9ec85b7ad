"""Screening pages: the targeting queue per port, a targeted line with its reasons and exam form,
the targeting hit rate for supervisors (seizure pages are the seizures module's)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pathways.core.errors import InvalidInput
from pathways.core.policy import Classification, Role, Viewer
from pathways.screening import service
from pathways.screening.models import LineStatus
from pathways.seizures.models import PRODUCT_CATEGORIES
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem
from pathways.web.templating import redirect, render

router = APIRouter()
EXAMINERS = frozenset(service.EXAMINERS)
NAV = [
    NavItem("Targeting", "/screening/queue", EXAMINERS, order=25,
            description="Targeted manifest lines, highest risk first: examine and record the outcome."),
    NavItem("Hit rate", "/screening/hit-rate", frozenset({Role.SUPERVISOR, Role.ADMIN}), order=26,
            description="Share of exams that found a violation, by rule and by port."),
]
PER_PAGE = 25
LES = Classification.LAW_ENFORCEMENT_SENSITIVE


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    if not viewer.has_role(*EXAMINERS):
        return []
    waiting = sum(n for _, n in service.ports(session, viewer))
    return [DashboardCard("Lines awaiting exam", waiting, "/screening/queue", "targeted by screening", order=30)]


@router.get("/screening", include_in_schema=False)
@router.get("/screening/queue", response_class=HTMLResponse)
def queue_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*EXAMINERS)
    p = request.query_params
    ports = service.ports(ctx.session, ctx.viewer)
    port = p.get("port") or (ports[0][0] if ports else "")
    status = p.get("status") or LineStatus.QUEUED
    if status not in LineStatus.ALL:
        status = LineStatus.QUEUED
    pg = max(int(p.get("page", "1")) if p.get("page", "1").isdigit() else 1, 1)
    lines = service.queue(ctx.session, ctx.viewer, port or None, status, limit=PER_PAGE + 1,
                          offset=(pg - 1) * PER_PAGE)
    return render(request, "screening/queue.html", title="Targeting queue", ports=ports, port=port,
                  status=status, statuses=LineStatus.LABEL, lines=lines[:PER_PAGE], more=len(lines) > PER_PAGE,
                  page=pg, runs=service.runs(ctx.session, 3), marking=LES)


@router.get("/screening/lines/{line_id}", response_class=HTMLResponse)
def line_page(line_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*EXAMINERS)
    line = service.get_line(ctx.session, ctx.viewer, line_id)
    record = service.outcome_record(ctx.session, ctx.viewer, line)
    return render(request, "screening/line.html", title=f"Manifest line {line.line_id}", line=line,
                  parties=service.line_history(ctx.session, line), record=record, statuses=LineStatus.LABEL,
                  categories=[(c, c) for c in PRODUCT_CATEGORIES], default_category=service.category_for(line.hts_code),
                  error=request.query_params.get("error", ""), marking=LES)


@router.post("/screening/lines/{line_id}/outcome")
async def outcome_post(line_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*EXAMINERS)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    qty = form.get("quantity", "").strip()
    try:
        if qty and not qty.isdigit():
            raise InvalidInput(f"quantity {qty!r} is not a whole number")
        line = service.record_outcome(ctx.session, ctx.viewer, line_id, service.Outcome(
            outcome=form.get("outcome", ""), note=form.get("note", ""), quantity=int(qty) if qty else None,
            product_category=form.get("product_category") or None))
    except InvalidInput as exc:
        ctx.session.rollback()
        return render(request, "screening/line.html", title=f"Manifest line {line_id}",
                      line=service.get_line(ctx.session, ctx.viewer, line_id),
                      parties=[], record=None, statuses=LineStatus.LABEL,
                      categories=[(c, c) for c in PRODUCT_CATEGORIES], default_category=form.get("product_category"),
                      error=exc.detail, marking=LES, status_code=422)
    message = {LineStatus.RELEASED: "Released: no violation recorded.",
               LineStatus.DETAINED: "Detained: the 30-day clock runs and the importer's notice is generated.",
               LineStatus.SEIZED: "Seized as counterfeit: the seizure record was created."}[line.status]
    return redirect(f"/screening/lines/{line.line_id}", message)


@router.get("/screening/hit-rate", response_class=HTMLResponse)
def hit_rate_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.SUPERVISOR, Role.ADMIN)
    total, by_rule, by_port = service.hit_rates(ctx.session, ctx.viewer)
    return render(request, "screening/hit_rate.html", title="Targeting hit rate", total=total, by_rule=by_rule,
                  by_port=by_port, runs=service.runs(ctx.session, 10), marking=LES)

