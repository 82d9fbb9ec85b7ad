"""Registry pages: IPR search (public and officer), the rights-owner portal, and agency review."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.core.errors import Conflict, InvalidInput, PathwaysError
from pathways.core.policy import Classification, Role
from pathways.registry import forms, service
from pathways.registry.fees import fee_for
from pathways.registry.models import Kind, RequestKind, Status
from pathways.registry.present import view_for
from pathways.registry.schemas import OwnershipIn
from pathways.registry.search import SearchQuery, search
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem
from pathways.web.templating import redirect, render

router = APIRouter()

REVIEWERS = frozenset(service.REVIEWERS)
NAV = [
    NavItem("IPR search", "/registry/search", public=True, order=20,
            description="Search recorded trademarks, copyrights and trade names; look-alike marks for officers."),
    NavItem("Recordation review", "/registry/review", REVIEWERS, order=22,
            description="Approve or reject recordations, renewals and changes of ownership."),
    NavItem("My recordations", "/registry/portal", frozenset({Role.RIGHTS_OWNER}), order=21,
            description="File recordations, renewals and changes of ownership; see their status."),
]
PER_PAGE = 25


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@router.get("/registry", include_in_schema=False)
def registry_home(request: Request) -> Response:
    query = request.url.query
    return RedirectResponse("/registry/search" + (f"?{query}" if query else ""), status_code=307)


@router.get("/registry/search", response_class=HTMLResponse)
def search_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    p = request.query_params
    officer = ctx.viewer.is_agency
    q = (p.get("q") or "").strip()[:300]
    similar = officer and p.get("similar") in ("on", "true", "1")
    pg = max(_int(p.get("page")) or 1, 1)
    query = SearchQuery(q=q, similar=similar, owner=p.get("owner") or None, country=(p.get("country") or None),
                        class_number=_int(p.get("class")), status=(p.get("status") or None) if officer else None,
                        limit=PER_PAGE, offset=(pg - 1) * PER_PAGE)
    error, result = "", None
    if q or any(p.get(k) for k in ("owner", "country", "class", "status")):
        try:
            result = search(ctx.session, ctx.viewer, query)
        except InvalidInput as exc:
            error = exc.detail
    rows = [(h, view_for(ctx.session, ctx.viewer, h.recordation)) for h in result.hits] if result else []
    return render(request, "registry/search.html", title="IPR search", officer=officer, query=query, rows=rows,
                  result=result, error=error, page=pg, per_page=PER_PAGE, statuses=Status.ALL,
                  kind_labels=Kind.LABEL, params=dict(p),
                  marking=Classification.UNCLASSIFIED if officer else None)


@router.get("/registry/recordations/{key}", response_class=HTMLResponse)
def recordation_page(key: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    rec = service.get(ctx.session, ctx.viewer, key)
    view = view_for(ctx.session, ctx.viewer, rec)
    own = ctx.viewer.org_id is not None and rec.owner_org_id == ctx.viewer.org_id
    return render(request, "registry/recordation.html", title=f"{rec.record_number} {rec.mark}", r=view,
                  full=service.sees_everything(ctx.viewer, rec), own=own, kind_labels=Kind.LABEL,
                  marking=Classification.UNCLASSIFIED if not ctx.viewer.is_anonymous else None)


# The rights-owner portal -------------------------------------------------------------------------


@router.get("/registry/portal", response_class=HTMLResponse)
def portal(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.RIGHTS_OWNER)
    recs = service.own_recordations(ctx.session, ctx.viewer)
    reminders = [m for m in (service.renewal_reminder(r) for r in recs) if m]
    requests = service.pending_requests(ctx.session, ctx.viewer, status=None, limit=50)
    return render(request, "registry/portal.html", title="My recordations", recs=recs, reminders=reminders,
                  notices=service.notices(ctx.session, ctx.viewer, limit=20), requests=requests,
                  kind_labels=Kind.LABEL, request_labels=RequestKind.LABEL, marking=Classification.UNCLASSIFIED)


def _filing_page(request: Request, form: dict[str, str], *, error: str = "", fee: str = "",
                 status_code: int = 200) -> Response:
    return render(request, "registry/file.html", status_code=status_code, title="File a recordation", form=form,
                  error=error, fee=fee, kinds=[(k, Kind.LABEL[k]) for k in Kind.ALL],
                  marking=Classification.UNCLASSIFIED)


@router.get("/registry/portal/new", response_class=HTMLResponse)
def new_filing(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.RIGHTS_OWNER)
    return _filing_page(request, {"kind": "trademark"})


@router.post("/registry/portal/new", response_class=HTMLResponse)
async def submit_filing(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.RIGHTS_OWNER)
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    try:
        data = forms.parse(form)
        fee = service.preview(data)
        if form.get("action") != "submit":
            # Step one: the fee is shown before anything is filed.
            return _filing_page(request, form, fee=fee.label)
        rec, _ = service.file_recordation(ctx.session, ctx.viewer, data)
    except (InvalidInput, Conflict) as exc:
        return _filing_page(request, form, error=exc.detail, status_code=422)
    return redirect(f"/registry/portal/{rec.id}",
                    f"Filed {rec.record_number} ({rec.mark}); fee {fee.label}. The agency will review it.")


@router.get("/registry/portal/{recordation_id}", response_class=HTMLResponse)
def manage(recordation_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.RIGHTS_OWNER)
    rec = service.own_recordation(ctx.session, ctx.viewer, recordation_id)
    products = service.products_of(ctx.session, rec.id)
    return render(request, "registry/manage.html", title=f"{rec.record_number} {rec.mark}", rec=rec,
                  products_text="\n".join(f"{p.name} | {p.msrp_usd}" + (f" | {p.hts_code}" if p.hts_code else "")
                                          for p in products),
                  requests=service.requests_of(ctx.session, rec.id), reminder=service.renewal_reminder(rec),
                  renewal_fee=service.renewal_fee(rec).label,
                  ownership_fee=fee_for(RequestKind.CHANGE_OF_OWNERSHIP, rec.kind, 0).label,
                  kind_labels=Kind.LABEL, request_labels=RequestKind.LABEL, marking=Classification.UNCLASSIFIED)


async def _portal_action(request: Request, ctx: PageContext, recordation_id: str, action: str) -> Response:
    ctx.require(Role.RIGHTS_OWNER)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    back = f"/registry/portal/{recordation_id}"
    try:
        if action == "renewal":
            try:
                expires = date.fromisoformat(form.get("expires_on", ""))
            except ValueError:
                raise InvalidInput("give the renewed registration's expiry date") from None
            req = service.file_renewal(ctx.session, ctx.viewer, recordation_id, expires)
            message = f"Renewal filed; fee {req.fee_usd:,.0f} USD. The agency will review it."
        elif action == "ownership":
            req = service.file_change_of_ownership(ctx.session, ctx.viewer, recordation_id, OwnershipIn(
                owner_name=form.get("owner_name", "") or "-", owner_address=form.get("owner_address", ""),
                owner_country=(form.get("owner_country", "") or "--")[:2]))
            message = f"Change of ownership filed; fee {req.fee_usd:,.0f} USD."
        elif action == "products":
            service.replace_products(ctx.session, ctx.viewer, recordation_id, forms.products(form.get("products", "")))
            message = "Products saved."
        else:
            service.update_guide(ctx.session, ctx.viewer, recordation_id, form.get("guide_text", ""))
            message = "Identification guide saved."
    except PathwaysError as exc:
        ctx.session.rollback()
        return redirect(back, exc.detail, "error")
    return redirect(back, message)


@router.post("/registry/portal/{recordation_id}/{action}", response_class=HTMLResponse)
async def portal_action(recordation_id: str, action: str, request: Request,
                        ctx: PageContext = Depends(page)) -> Response:
    if action not in ("renewal", "ownership", "products", "guide"):
        raise InvalidInput(f"unknown action {action!r}")
    return await _portal_action(request, ctx, recordation_id, action)


# Agency review -----------------------------------------------------------------------------------


@router.get("/registry/review", response_class=HTMLResponse)
def review(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*REVIEWERS)
    pending = service.pending_requests(ctx.session, ctx.viewer)
    return render(request, "registry/review.html", title="Recordation review", pending=pending,
                  kind_labels=Kind.LABEL, request_labels=RequestKind.LABEL, marking=Classification.UNCLASSIFIED)


@router.post("/registry/review/{request_id}", response_class=HTMLResponse)
async def decide(request_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*REVIEWERS)
    form = await request.form()
    approve = form.get("decision") == "approve"
    reason = str(form.get("reason") or "")
    try:
        req = service.decide(ctx.session, ctx.viewer, request_id, approve, reason)
    except (InvalidInput, Conflict) as exc:
        ctx.session.rollback()
        return redirect("/registry/review", exc.detail, "error")
    rec = service.get(ctx.session, ctx.viewer, req.recordation_id)
    verb = "Approved" if approve else "Rejected"
    return redirect("/registry/review", f"{verb}: {RequestKind.LABEL[req.kind].lower()} of {rec.record_number} "
                                        f"({rec.mark}). The owner is notified.")

