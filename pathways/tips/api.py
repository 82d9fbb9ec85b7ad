"""Tips API: partner and operator intake (single and batch), tips, bundles, referrals, the tipster's
questions. Thin: every line of logic is in ``service`` and ``importer``."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Body, Depends, Request, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.api.deps import caller, db, require_roles, require_scope, transaction_slot, viewer
from pathways.core.errors import InvalidInput, NotAuthenticated
from pathways.core.policy import Role, Viewer
from pathways.tips import importer, service
from pathways.tips.intake_groups import groups_for
from pathways.tips.models import Tip
from pathways.tips.present import bundle_out, referral_out, tip_out
from pathways.tips.schemas import (
    BatchOut,
    BundleOut,
    DeclineIn,
    DisposeIn,
    QuestionIn,
    ReferralOut,
    RejectOut,
    RerouteIn,
    SplitIn,
    SubmittedOut,
    TipOut,
)


def _warm() -> None:
    """Load the ZIP and city tables once at start-up, not inside the first tip's request."""
    from pathways.resolve.normalize.places import city_counties, normalize_zip

    normalize_zip("20001")
    city_counties()


router = APIRouter(prefix="/api/tips", tags=["tips"], on_startup=[_warm])
INTAKE = (Role.TIPLINE_OPERATOR, Role.PARTNER, Role.ADMIN, Role.SUPERVISOR)
MAX_BATCH = 10_000


def _writer(request: Request, *roles: Role) -> Viewer:
    v = viewer(request)
    require_scope(v, "write")
    require_roles(v, *roles)
    return v


def _reader(request: Request) -> Viewer:
    v = viewer(request)
    require_scope(v, "read")
    return v


def _source(v: Viewer) -> str:
    """A partner's tips are idempotent within its own organization; agency intake shares one source."""
    return f"partner:{v.org_id}" if v.has_role(Role.PARTNER) and not v.is_agency else "agency"


@router.post("", response_model=SubmittedOut, status_code=status.HTTP_201_CREATED,
             summary="Submit one tip (partner feed record format)")
async def submit(request: Request, record: dict[str, Any] = Body(..., examples=[{
        "external_id": "PRT-1", "received_at": "2026-01-05T10:00:00Z", "channel": "partner_referral",
        "narrative": "Smugglers use TX plate ABC-1234 near Laredo, TX.", "location": {"zip": "78040"}}])
        ) -> SubmittedOut:
    # The caller is resolved in a thread call of its own; the tip then waits for its group
    # (``intake_groups``): tips that arrive together are stored together, each answered on its own.
    async with transaction_slot():
        v = await run_in_threadpool(_intake_caller, request)
    return cast(SubmittedOut, await groups_for(_submitted).submit(v, record, _source(v)))


def _intake_caller(request: Request) -> Viewer:
    v = intake_viewer(request)
    require_scope(v, "write")
    require_roles(v, *INTAKE)
    return v


def _submitted(tip: Tip, created: bool) -> SubmittedOut:
    return SubmittedOut(created=created, tip=tip_out(tip))


def intake_viewer(request: Request) -> Viewer:
    """The caller of a token-authenticated intake request; browser sessions use the forms, which
    carry CSRF checks."""
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        raise NotAuthenticated("send a bearer token with the write scope")
    v, _ = caller(request)
    request.state.viewer = v
    return v


@router.post("/batch", response_model=BatchOut, summary="Submit up to 10,000 tips; bad ones are listed, not lost")
def batch(request: Request, records: list[Any] = Body(...), session: Session = Depends(db)) -> BatchOut:
    v = _writer(request, *INTAKE)
    if len(records) > MAX_BATCH:
        raise InvalidInput(f"a batch holds at most {MAX_BATCH} tips; split it")
    r = importer.import_records(session, v, records, source=_source(v))
    return BatchOut(received=r.received, created=r.created, unchanged=r.unchanged, rejected=r.rejected,
                    bundles_created=r.bundles_created,
                    rejects=[RejectOut(line=x.line, external_id=x.external_id, reason=x.reason) for x in r.rejects],
                    tip_ids=r.tip_ids)


@router.get("/{key}", response_model=TipOut, summary="One tip by id or number (TIP 26-0000001)")
def get_tip(key: str, request: Request, session: Session = Depends(db)) -> TipOut:
    return tip_out(service.get_tip(session, _reader(request), key))


@router.get("/bundles/{bundle_id}", response_model=BundleOut, summary="A bundle: its count, first and last report")
def get_bundle(bundle_id: str, request: Request, session: Session = Depends(db)) -> BundleOut:
    v = _reader(request)
    b = service.get_bundle(session, v, bundle_id)
    return bundle_out(b, service.referral_of(session, v, b.id), service.bundle_tips(session, v, b.id))


@router.post("/referrals/{referral_id}/accept", response_model=ReferralOut, summary="Accept a referral")
def accept(referral_id: str, request: Request, session: Session = Depends(db)) -> ReferralOut:
    v = _writer(request, Role.SPECIAL_AGENT, Role.SUPERVISOR, Role.TIPLINE_OPERATOR, Role.ADMIN)
    return referral_out(service.accept(session, v, referral_id))


@router.post("/referrals/{referral_id}/decline", response_model=ReferralOut, summary="Decline with a reason")
def decline(referral_id: str, body: DeclineIn, request: Request, session: Session = Depends(db)) -> ReferralOut:
    v = _writer(request, Role.SPECIAL_AGENT, Role.SUPERVISOR, Role.TIPLINE_OPERATOR, Role.ADMIN)
    return referral_out(service.decline(session, v, referral_id, body.reason))


@router.post("/referrals/{referral_id}/reroute", response_model=ReferralOut, summary="Send to another office")
def reroute(referral_id: str, body: RerouteIn, request: Request, session: Session = Depends(db)) -> ReferralOut:
    v = _writer(request, Role.SUPERVISOR, Role.TIPLINE_OPERATOR, Role.ADMIN)
    return referral_out(service.reroute(session, v, referral_id, body.office_code, body.reason))


@router.post("/referrals/{referral_id}/dispose", response_model=ReferralOut, summary="Record the disposition")
def dispose(referral_id: str, body: DisposeIn, request: Request, session: Session = Depends(db)) -> ReferralOut:
    v = _writer(request, Role.SPECIAL_AGENT, Role.SUPERVISOR, Role.TIPLINE_OPERATOR, Role.ADMIN)
    return referral_out(service.dispose(session, v, referral_id, body.disposition, body.note))


@router.post("/{tip_id}/split", response_model=BundleOut, status_code=201,
             summary="Supervisor: move a tip out of its bundle into a bundle of its own")
def split(tip_id: str, body: SplitIn, request: Request, session: Session = Depends(db)) -> BundleOut:
    v = _writer(request, Role.SUPERVISOR, Role.ADMIN)
    b = service.split(session, v, tip_id, body.reason)
    return bundle_out(b, service.referral_of(session, v, b.id), service.bundle_tips(session, v, b.id))


@router.post("/{tip_id}/questions", status_code=201, summary="Ask the tipster a question through the receipt")
def ask(tip_id: str, body: QuestionIn, request: Request, session: Session = Depends(db)) -> dict[str, str]:
    v = _writer(request, Role.TIPLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
    msg = service.ask(session, v, tip_id, body.body)
    return {"id": msg.id, "status": "sent"}
