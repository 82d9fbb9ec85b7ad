"""Seizure pages: the annual statistics report, a seizure with its disposition and owner notices, the
officer's seizure form, open detentions with their 30-day clock, and the rights owner's seizure notices.

Registered before the screening pages so ``/seizures/report`` and ``/seizures/new`` are not read as
seizure ids; ``/seizures/{id}`` here shows what screening's seizure page showed, plus disposition and
notices.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pathways.core.errors import InvalidInput
from pathways.core.policy import Classification, Role, Viewer
from pathways.resolve.mentions import entity_links
from pathways.seizures import disposition as disp
from pathways.seizures import notices, report, service
from pathways.seizures.models import MODES, PRODUCT_CATEGORIES, Detention, Seizure
from pathways.seizures.report.render_html import report_context
from pathways.seizures.tables import DetentionAction
from pathways.store.policy import fetch_visible
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem
from pathways.web.templating import redirect, render

router = APIRouter()
STAFF = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.SPECIAL_AGENT, Role.INTELLIGENCE_ANALYST, Role.BORDER_OFFICER})
OFFICERS = frozenset(disp.OFFICERS)
LES = Classification.LAW_ENFORCEMENT_SENSITIVE
NAV = [
    NavItem("Seizure statistics", "/seizures/report", STAFF, order=27,
            description="The annual IPR seizure statistics for a fiscal year: figures, charts, PDF and CSV."),
    NavItem("Detentions", "/detentions", OFFICERS, order=28,
            description="Open detentions and their 30-day clock: record notices, release or seize."),
    NavItem("Seizure notices", "/seizures/notices", frozenset({Role.RIGHTS_OWNER}), order=40,
            description="Disclosure notices of seizures of goods bearing your recorded marks."),
]


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    if viewer.has_role(*OFFICERS):
        n = len(disp.open_detentions(session, viewer))
        return [DashboardCard("Open detentions", n, "/detentions", "30-day clock running", order=31)]
    if viewer.has_role(Role.RIGHTS_OWNER):
        n = len(notices.notices_for_owner(session, viewer))
        return [DashboardCard("Seizure notices", n, "/seizures/notices", "seizures of your marks", order=41)]
    return []


def _fy(request: Request, ctx: PageContext) -> int:
    text = request.query_params.get("fy", "").strip().upper().removeprefix("FY")
    if text.isdigit():
        return int(text)
    return report.latest_fiscal_year(ctx.session, ctx.viewer)


@router.get("/seizures/report", response_class=HTMLResponse)
def report_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*STAFF)
    fy = _fy(request, ctx)
    r = report.build_report(ctx.session, ctx.viewer, fy)
    years = sorted(set(report.fiscal_years(ctx.session, ctx.viewer)) | {fy}, reverse=True)
    context: dict[str, Any] = report_context(r)
    return render(request, "seizures/report.html", title=f"Seizure statistics FY{fy}", years=years,
                  marking=LES, **context)


@router.get("/seizures/report.{fmt}")
def report_file(fmt: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*STAFF)
    if fmt not in report.FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(report.FORMATS)}")
    fy = _fy(request, ctx)
    body = report.render(report.build_report(ctx.session, ctx.viewer, fy), fmt)
    name = f"seizure-statistics-FY{fy}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(body, media_type=report.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


@router.get("/seizures/notices", response_class=HTMLResponse)
def notices_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.RIGHTS_OWNER, *STAFF)
    return render(request, "seizures/notices.html", title="Seizure notices",
                  notices=notices.notices_for_owner(ctx.session, ctx.viewer), marking=Classification.UNCLASSIFIED)


def _form_page(request: Request, form: dict[str, str], error: str = "", status: int = 200) -> Response:
    return render(request, "seizures/new.html", title="Record a seizure", form=form, error=error,
                  modes=[(m, m) for m in MODES], categories=[(c, c) for c in PRODUCT_CATEGORIES],
                  rows=range(1, 4), marking=LES, status_code=status)


@router.get("/seizures/new", response_class=HTMLResponse)
def new_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    return _form_page(request, {"seized_on": date.today().isoformat()})


def _date(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


@router.post("/seizures/new")
async def new_post(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        lines = []
        for i in range(1, 4):
            number, qty = form.get(f"record_number_{i}", "").strip(), form.get(f"quantity_{i}", "").strip()
            if not number and not qty:
                continue
            if not qty.isdigit():
                raise InvalidInput(f"line {i}: quantity {qty!r} is not a whole number")
            lines.append((number, form.get(f"category_{i}", ""), int(qty), form.get(f"msrp_{i}", ""),
                          form.get(f"description_{i}", "")))
        seizure = disp.record_manual(ctx.session, ctx.viewer, disp.ManualSeizure(
            port_code=form.get("port_code", ""), mode=form.get("mode", ""), entry_number=form.get("entry_number", ""),
            origin_country=form.get("origin_country", ""),
            parties=service.Parties(**{k: form.get(k, "") for k in service.Parties.__dataclass_fields__}),
            lines=lines, seized_on=_date(form.get("seized_on", ""), "seizure date"),
            imported_on=_date(form.get("imported_on", ""), "date of import"),
            manufacturer=form.get("manufacturer", ""), manufacturer_address=form.get("manufacturer_address", ""),
            notes=form.get("notes", "")))
    except InvalidInput as exc:
        ctx.session.rollback()
        return _form_page(request, form, exc.detail, 422)
    return redirect(f"/seizures/{seizure.id}", f"Seizure {seizure.seizure_number} recorded; the rights owners' "
                                                "notices were generated.")


@router.get("/seizures/{seizure_id}", response_class=HTMLResponse)
def seizure_page(seizure_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require_user()
    seizure = fetch_visible(ctx.session, Seizure, seizure_id, ctx.viewer)
    return render(request, "seizures/seizure.html", title=f"Seizure {seizure.seizure_number}", s=seizure,
                  notices=notices.notices_of_seizure(ctx.session, ctx.viewer, seizure.id),
                  dispositions=[(d, d.capitalize()) for d in disp.FINAL], can_act=ctx.viewer.has_role(*OFFICERS),
                  entities=entity_links(ctx.session, ctx.viewer, "seizure", seizure.id), marking=LES)


@router.post("/seizures/{seizure_id}/disposition")
async def disposition_post(seizure_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    form = await request.form()
    seizure = disp.set_disposition(ctx.session, ctx.viewer, seizure_id, str(form.get("disposition", "")),
                                   _date(str(form.get("on_day", "")), "disposition date"))
    return redirect(f"/seizures/{seizure.id}", f"Disposition recorded: {seizure.disposition}.")


@router.get("/detentions", response_class=HTMLResponse)
def detentions_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    rows = [(d, disp.clock(d)) for d in disp.open_detentions(ctx.session, ctx.viewer)]
    return render(request, "seizures/detentions.html", title="Open detentions", rows=rows, marking=LES)


@router.get("/detentions/{detention_id}", response_class=HTMLResponse)
def detention_page(detention_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    det = fetch_visible(ctx.session, Detention, detention_id, ctx.viewer)
    return render(request, "seizures/detention.html", title=f"Detention {det.detention_number}", d=det,
                  clock=disp.clock(det), events=disp.events_of(ctx.session, det.id), labels=DetentionAction.LABEL,
                  notes=[(a, DetentionAction.LABEL[a]) for a in DetentionAction.NOTES],
                  categories=[(c, c) for c in PRODUCT_CATEGORIES], error=request.query_params.get("error", ""),
                  marking=LES)


@router.post("/detentions/{detention_id}/action")
async def detention_action(detention_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*OFFICERS)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    action, note = form.get("action", ""), form.get("note", "")
    if action == DetentionAction.RELEASED:
        det = disp.release(ctx.session, ctx.viewer, detention_id, note)
        return redirect(f"/detentions/{det.id}", f"Detention {det.detention_number} released.")
    if action == DetentionAction.SEIZED:
        qty = form.get("quantity", "").strip()
        if qty and not qty.isdigit():
            raise InvalidInput(f"quantity {qty!r} is not a whole number")
        seizure = disp.seize(ctx.session, ctx.viewer, detention_id, product_category=form.get("product_category", ""),
                             quantity=int(qty) if qty else None, msrp_unit_usd=form.get("msrp_unit_usd", ""),
                             note=note)
        return redirect(f"/seizures/{seizure.id}", f"Seized: seizure {seizure.seizure_number} recorded.")
    det = disp.note_detention(ctx.session, ctx.viewer, detention_id, action, note)
    return redirect(f"/detentions/{det.id}", f"Recorded: {DetentionAction.LABEL.get(action, action)}.")
