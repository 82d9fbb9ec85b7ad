"""Tip pages: the public report form and receipt, the operator's phone form, tips, bundles, office
queues with SLA breaches. Thin: logic lives in ``service``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput, NotFound, PathwaysError
from pathways.core.ids import new_id
from pathways.core.policy import Classification, Role, Viewer, anonymous
from pathways.resolve.mentions import ENTITY_READERS
from pathways.resolve.models import Mention
from pathways.store.audit import bind_viewer
from pathways.store.policy import visible
from pathways.tips import service
from pathways.tips import store as tstore
from pathways.tips.classify import CATEGORIES
from pathways.tips.present import breached, reasons
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import AGENCY_ROLES, NavItem
from pathways.web.templating import redirect, render

router = APIRouter()
TIPLINE = frozenset(service.TIPLINE)
QUEUE_ROLES = frozenset({Role.SUPERVISOR, Role.TIPLINE_OPERATOR, Role.SPECIAL_AGENT, Role.ADMIN})
NAV = [
    NavItem("Report a tip", "/tips/report", frozenset({Role.PUBLIC}), public=True, order=15,
            description="Report a crime to the tip line, anonymously if you wish."),
    NavItem("Tips", "/tips", frozenset(AGENCY_ROLES) - {Role.AUDITOR, Role.BORDER_OFFICER}, order=30,
            description="Incoming tips: search, priority, where each went and why."),
    NavItem("Tip queues", "/tips/queue", QUEUE_ROLES, order=31,
            description="Referrals per office, most urgent first; SLA breaches."),
]
PUBLIC_ORIGIN = "anonymous"  # what the audit log keeps of a public visitor: never the address
MAX_FILES = 3
PRIORITY_ORDER = {"critical": 0, "high": 1, "normal": 2}


def _office_options(session: Session) -> list[tuple[str, str]]:
    specs, _ = tstore.offices(session)
    return [(o.code, f"{o.code} — {o.name}") for o in specs]


def _form_record(form: dict[str, str], channel: str) -> dict[str, Any]:
    loc = {k: form.get(k, "").strip() for k in ("address", "city", "state", "zip", "country")}
    tipster = {k: form.get(f"tipster_{k}", "").strip() for k in ("name", "phone", "email")}
    rec: dict[str, Any] = {
        "external_id": new_id(), "received_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "channel": channel,
        "narrative": form.get("narrative", ""), "location": {k: v for k, v in loc.items() if v},
    }
    if form.get("category"):
        rec["category"] = form["category"]
    if any(tipster.values()):
        rec["tipster"] = {k: v for k, v in tipster.items() if v}
    return rec


# --- public ----------------------------------------------------------------------------------------


@router.get("/tips/report", response_class=HTMLResponse)
def report_form(request: Request, ctx: PageContext = Depends(page)) -> Response:
    return render(request, "tips/report.html", title="Report a tip", categories=list(CATEGORIES.items()),
                  form={}, error="")


@router.post("/tips/report", response_class=HTMLResponse)
async def report_submit(request: Request, ctx: PageContext = Depends(page)) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    uploads = [v for v in raw.getlist("files") if not isinstance(v, str) and v.filename]
    # The public is audited as "anonymous" with no address; the rate limit keeps only a keyed hash.
    origin = ctx.viewer.origin
    if ctx.viewer.is_anonymous:
        bind_viewer(ctx.session, anonymous(PUBLIC_ORIGIN))
    try:
        if form.get("website"):  # a field people never see: only robots fill it
            raise InvalidInput("the report could not be accepted")
        if len(form.get("narrative", "")) > 10_000:
            raise InvalidInput("please keep the report under 10,000 characters")
        if len(uploads) > MAX_FILES:
            raise InvalidInput(f"attach at most {MAX_FILES} files")
        files = [(u.filename or "file", u.content_type or "", await _read(u)) for u in uploads]
        service.check_rate(ctx.session, origin)
        out = service.submit(ctx.session, anonymous(PUBLIC_ORIGIN), _form_record(form, "web_form"),
                             source="public_form", receipt=True, files=files)
    except PathwaysError as exc:
        ctx.session.rollback()
        if ctx.viewer.is_anonymous:
            bind_viewer(ctx.session, anonymous(PUBLIC_ORIGIN))
        return render(request, "tips/report.html", title="Report a tip", categories=list(CATEGORIES.items()),
                      form=form, error=exc.detail, status_code=exc.status if exc.status != 422 else 400)
    return render(request, "tips/receipt_issued.html", title="Your receipt", code=out.receipt_code,
                  passphrase=out.passphrase)


async def _read(upload: StarletteUpload) -> bytes:
    data = await upload.read(service.MAX_UPLOAD + 1)
    if len(data) > service.MAX_UPLOAD:
        raise InvalidInput(f"an attachment may be at most {service.MAX_UPLOAD // (1024 * 1024)} MB")
    return data


@router.get("/tips/receipt", response_class=HTMLResponse)
def receipt_form(request: Request, ctx: PageContext = Depends(page)) -> Response:
    return render(request, "tips/receipt.html", title="Check your report", opened=False, error="", code="",
                  passphrase="", messages=[])


@router.post("/tips/receipt", response_class=HTMLResponse)
async def receipt_open(request: Request, ctx: PageContext = Depends(page)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    code, passphrase = form.get("code", "")[:40], form.get("passphrase", "")[:100]
    bind_viewer(ctx.session, anonymous(PUBLIC_ORIGIN))
    try:
        tip_id = service.open_receipt(ctx.session, code, passphrase)
        tipster = service.tipster_viewer(tip_id)
        bind_viewer(ctx.session, tipster)
        if form.get("answer", "").strip():
            service.answer(ctx.session, tip_id, form["answer"])
        msgs = service.messages(ctx.session, tipster, tip_id)
    except PathwaysError as exc:
        return render(request, "tips/receipt.html", title="Check your report", opened=False, error=exc.detail,
                      code=code, passphrase="", messages=[], status_code=exc.status)
    return render(request, "tips/receipt.html", title="Your report", opened=True, error="", code=code,
                  passphrase=passphrase, messages=msgs, answered=bool(form.get("answer", "").strip()))


# --- agency -----------------------------------------------------------------------------------------


@router.get("/tips", response_class=HTMLResponse)
def tips_list(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*[r for r in AGENCY_ROLES if r not in (Role.AUDITOR, Role.BORDER_OFFICER)])
    p = request.query_params
    filters = {k: (p.get(k) or "").strip()[:200] for k in ("q", "office", "category", "priority")}
    pg = max(int(p.get("page", "1")) if p.get("page", "1").isdigit() else 1, 1)
    stmt = service.tips_statement(ctx.session, ctx.viewer, filters).order_by(
        service.Tip.received_at.desc()).limit(51).offset((pg - 1) * 50)
    rows = list(ctx.session.execute(stmt).scalars())
    return render(request, "tips/list.html", title="Tips", marking=Classification.LAW_ENFORCEMENT_SENSITIVE,
                  tips=rows[:50], more=len(rows) > 50, page=pg, filters=filters,
                  categories=list(CATEGORIES.items()), offices=_office_options(ctx.session))


@router.get("/tips/new", response_class=HTMLResponse)
def operator_form(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.TIPLINE_OPERATOR, Role.ADMIN)
    return render(request, "tips/new.html", title="Phone tip", categories=list(CATEGORIES.items()), form={},
                  error="", marking=Classification.LAW_ENFORCEMENT_SENSITIVE)


@router.post("/tips/new", response_class=HTMLResponse)
async def operator_submit(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.TIPLINE_OPERATOR, Role.ADMIN)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        out = service.submit(ctx.session, ctx.viewer, _form_record(form, "phone"), source="operator",
                             receipt=form.get("receipt") == "on")
    except PathwaysError as exc:
        return render(request, "tips/new.html", title="Phone tip", categories=list(CATEGORIES.items()), form=form,
                      error=exc.detail, marking=Classification.LAW_ENFORCEMENT_SENSITIVE, status_code=400)
    msg = f"Tip {out.tip.number} taken."
    if out.receipt_code:
        msg += f" Read to the caller: receipt {out.receipt_code}, passphrase {out.passphrase}."
    return redirect(f"/tips/{out.tip.id}", msg)


@router.get("/tips/queue", response_class=HTMLResponse)
def queue(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*QUEUE_ROLES)
    p = request.query_params
    office = (p.get("office") or "").strip()[:40]
    if not office and ctx.viewer.has_role(Role.SPECIAL_AGENT) and not ctx.viewer.has_role(*TIPLINE):
        office = _own_office_code(ctx.session, ctx.viewer)
    status = (p.get("status") or "").strip()[:20] or None
    only_breached = p.get("breached") == "1"
    stmt = service.queue_statement(ctx.session, ctx.viewer, office or None, status, only_breached)
    rows = list(ctx.session.execute(stmt.order_by(service.Referral.due_at).limit(500)).all())
    rows.sort(key=lambda r: (PRIORITY_ORDER.get(r[0].priority, 9), r[0].due_at))
    summary = service.sla_summary(ctx.session, ctx.viewer)
    if not ctx.viewer.has_role(*TIPLINE) and office:  # an agent sees its own office's line
        summary = [r for r in summary if r["office"] == office]
    return render(request, "tips/queue.html", title="Tip queues", marking=Classification.LAW_ENFORCEMENT_SENSITIVE,
                  rows=rows[:200], office=office, status=status or "", only_breached=only_breached,
                  summary=summary, offices=_office_options(ctx.session),
                  breached=breached)


def _own_office_code(session: Session, viewer: Viewer) -> str:
    from pathways.identity.models import Office

    if not viewer.office_id:
        return ""
    o = session.get(Office, viewer.office_id)
    return o.code if o else ""


@router.get("/tips/bundles/{bundle_id}", response_class=HTMLResponse)
def bundle_page(bundle_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*QUEUE_ROLES, Role.INTELLIGENCE_ANALYST)
    b = service.get_bundle(ctx.session, ctx.viewer, bundle_id)
    ref = service.referral_of(ctx.session, ctx.viewer, b.id)
    return render(request, "tips/bundle.html", title=f"Bundle {b.number}", bundle=b, referral=ref,
                  history=service.referral_history(ctx.session, ref.id) if ref else [],
                  tips=service.bundle_tips(ctx.session, ctx.viewer, b.id), reasons=reasons(b.priority_reasons),
                  offices=_office_options(ctx.session), dispositions=list(service.DISPOSITIONS.items()),
                  is_breached=bool(ref and breached(ref)), marking=Classification.LAW_ENFORCEMENT_SENSITIVE,
                  can_split=ctx.viewer.has_role(Role.SUPERVISOR, Role.ADMIN) and b.report_count > 1)


@router.post("/tips/referrals/{referral_id}/{action}", response_class=HTMLResponse)
async def referral_action(referral_id: str, action: str, request: Request,
                          ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*QUEUE_ROLES)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    ref = ctx.session.get(service.Referral, referral_id)
    if ref is None:
        raise NotFound("no such referral")
    back = f"/tips/bundles/{ref.bundle_id}"
    try:
        if action == "accept":
            service.accept(ctx.session, ctx.viewer, referral_id)
            msg = "Referral accepted."
        elif action == "decline":
            service.decline(ctx.session, ctx.viewer, referral_id, form.get("reason", ""))
            msg = "Referral declined; the tipline unit will re-route it."
        elif action == "reroute":
            service.reroute(ctx.session, ctx.viewer, referral_id, form.get("office_code", ""), form.get("reason", ""))
            msg = f"Referral re-routed to {form.get('office_code')}."
        elif action == "dispose":
            service.dispose(ctx.session, ctx.viewer, referral_id, form.get("disposition", ""), form.get("note", ""))
            msg = "Disposition recorded."
        else:
            raise NotFound("no such action")
    except PathwaysError as exc:
        if exc.status in (403, 404):
            raise
        ctx.session.rollback()
        return redirect(back, exc.detail, "error")
    return redirect(back, msg)


@router.post("/tips/{tip_id}/split", response_class=HTMLResponse)
async def split(tip_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.SUPERVISOR, Role.ADMIN)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    tip = service.get_tip(ctx.session, ctx.viewer, tip_id)
    back = f"/tips/bundles/{tip.bundle_id}"
    try:
        new = service.split(ctx.session, ctx.viewer, tip_id, form.get("reason", ""))
    except (InvalidInput, service.Conflict) as exc:
        ctx.session.rollback()
        return redirect(back, exc.detail, "error")
    return redirect(f"/tips/bundles/{new.id}", f"{tip.number} now has a bundle of its own, {new.number}.")


@router.get("/tips/attachments/{attachment_id}")
def download(attachment_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*TIPLINE)
    att, data = service.attachment_bytes(ctx.session, ctx.viewer, attachment_id)
    # Never rendered: a download of opaque bytes, named by its hash, that the browser may not sniff.
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{att.sha256[:16]}.bin"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/tips/{key}", response_class=HTMLResponse)
def tip_page(key: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*[r for r in AGENCY_ROLES if r not in (Role.AUDITOR, Role.BORDER_OFFICER)])
    t = service.get_tip(ctx.session, ctx.viewer, key)
    tipster = service.tipster_of(ctx.session, ctx.viewer, t.id)
    mentions = list(ctx.session.execute(visible(ctx.session, select(Mention).where(
        Mention.record_type == "tip", Mention.record_id == t.id), Mention, ctx.viewer)).scalars())
    bundle = service.get_bundle(ctx.session, ctx.viewer, t.bundle_id)
    msgs = service.messages(ctx.session, ctx.viewer, t.id)
    marking = t.markings.banner() if tipster is None else tipster.markings.banner()
    return render(request, "tips/tip.html", title=f"Tip {t.number}", tip=t, tipster=tipster, mentions=mentions,
                  bundle=bundle, location=json.loads(t.location or "{}"), reasons=reasons(t.priority_reasons),
                  attachments=service.attachments_of(ctx.session, ctx.viewer, t.id), messages=msgs,
                  can_ask=ctx.viewer.has_role(*TIPLINE) and bool(t.receipt_code),
                  can_download=ctx.viewer.has_role(*TIPLINE), marking=marking,
                  entity_reader=ctx.viewer.has_role(*ENTITY_READERS),
                  category_label=CATEGORIES.get(t.category, t.category))


@router.post("/tips/{tip_id}/questions", response_class=HTMLResponse)
async def ask(tip_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*TIPLINE)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        service.ask(ctx.session, ctx.viewer, tip_id, form.get("body", ""))
    except (InvalidInput, service.Conflict) as exc:
        return redirect(f"/tips/{tip_id}", exc.detail, "error")
    return redirect(f"/tips/{tip_id}", "Question sent; the tipster sees it with their receipt.")


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    if not viewer.has_role(*QUEUE_ROLES):
        return []
    summary = service.sla_summary(session, viewer)
    breaches = sum(r["breached"] for r in summary)
    waiting = sum(r["waiting"] for r in summary)
    worst = ", ".join(f"{r['office']} {r['breached']}" for r in summary if r["breached"])[:120]
    return [
        DashboardCard("Tip SLA breaches", breaches, "/tips/queue?breached=1",
                      note=worst or "No referral is past its SLA clock.", order=20),
        DashboardCard("Tip referrals waiting", waiting, "/tips/queue",
                      note="Sent to an office and not yet accepted or declined.", order=21),
    ]


