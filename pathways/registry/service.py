"""Registry operations: filing, agency review, the rights-owner portal, and the recordation lifecycle.

Recordations are UNCLASSIFIED. While pending or rejected they are owned by the filing rights-owner
organization and released to the agency only; once approved they are also released to PUBLIC
(public pages still render only ``schemas.RecordationPublic``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from pathways.core.policy import PUBLIC, Classification, Markings, OrgKind, Role, Viewer
from pathways.core.settings import get_settings
from pathways.identity import service as identity
from pathways.registry import validate
from pathways.registry.fees import Fee, fee_for
from pathways.registry.models import (
    Kind,
    Recordation,
    RecordationProduct,
    RecordationRequest,
    RegistryNotice,
    RequestKind,
    Status,
)
from pathways.registry.normalize import fold
from pathways.registry.schemas import OwnershipIn, ProductIn, RecordationIn
from pathways.store import numbers as store_numbers
from pathways.store.audit import record_event
from pathways.store.base import encode_tokens
from pathways.store.policy import fetch_visible, visible

REVIEWERS = (Role.BORDER_OFFICER, Role.SUPERVISOR, Role.ADMIN)
RENEWAL_WINDOW = timedelta(days=90)
MAX_DESIGN_BYTES = 5 * 1024 * 1024


# Markings ----------------------------------------------------------------------------------------


def _agency_id(session: Session, viewer: Viewer) -> str:
    found = viewer.agency_org_id or identity.agency_id(session) or identity.agency(session).id
    return found


def markings_for(status: str, owner_org_id: str, agency_org_id: str) -> Markings:
    release = {agency_org_id}
    if status in Status.PUBLIC:
        release.add(PUBLIC)
    return Markings(Classification.UNCLASSIFIED, owner_org_id=owner_org_id, releasable_to=frozenset(release))


def set_status(session: Session, viewer: Viewer, rec: Recordation, status: str) -> None:
    rec.status = status
    agency_id = _agency_id(session, viewer)
    rec.apply_markings(markings_for(status, rec.owner_org_id or agency_id, agency_id))


# Record numbers ----------------------------------------------------------------------------------


def allocate_numbers(session: Session, kind: str, count: int = 1, year: int | None = None) -> list[str]:
    """The next ``count`` record numbers (``TMK 26-00001``) for a kind this year."""
    return store_numbers.allocate_numbers(session, Kind.PREFIX[kind], count, year)


# Building a recordation from input ---------------------------------------------------------------


def _dumps(items: Sequence[Any]) -> str:
    return json.dumps(list(items), ensure_ascii=False, sort_keys=True, default=str)


def apply_fields(rec: Recordation, data: RecordationIn) -> None:
    """Copy validated input onto a recordation (shared by filing and the portal's edits)."""
    if data.kind == Kind.TRADEMARK and not data.classes:
        raise InvalidInput("a trademark recordation needs at least one international class with its goods")
    if data.gray_market and not data.gray_market_differences.strip():
        raise InvalidInput("gray-market (Lever rule) protection needs the physical and material differences described")
    if data.registration_date and data.expires_on <= data.registration_date:
        raise InvalidInput("the expiry must come after the registration date")
    if not fold(data.mark):
        raise InvalidInput("the mark needs at least one letter or digit")
    classes = sorted({c.number: c.goods.strip() for c in data.classes}.items())
    rec.kind = data.kind
    rec.registration_number = validate.clean_text(data.registration_number, "registration number", 60)
    rec.registration_date = data.registration_date
    rec.expires_on = data.expires_on
    rec.mark = validate.clean_text(data.mark, "mark", 300)
    rec.mark_folded = fold(rec.mark)[:300]
    rec.owner_name = validate.clean_text(data.owner_name, "owner name", 300)
    rec.owner_address = validate.clean_text(data.owner_address, "owner address", 600)
    rec.owner_country = validate.country(data.owner_country, "owner country")
    rec.classes_json = _dumps([{"number": n, "goods": g} for n, g in classes])
    rec.class_tokens = encode_tokens({str(n) for n, _ in classes})
    rec.places_of_manufacture = encode_tokens(
        {validate.country(c, "place of manufacture") for c in data.places_of_manufacture}
        | {validate.country(p.country, "manufacturer country") for p in data.authorized if p.role == "manufacturer"}
    )
    rec.authorized_json = _dumps([
        {"name": p.name.strip(), "country": validate.country(p.country), "role": p.role, "use": p.use.strip()}
        for p in data.authorized
    ])
    rec.affiliates_json = _dumps([
        {"name": a.name.strip(), "country": validate.country(a.country), "relation": a.relation}
        for a in data.affiliates
    ])
    rec.gray_market = data.gray_market
    rec.gray_market_differences = data.gray_market_differences.strip()
    rec.msrp_usd = data.msrp_usd
    rec.guide_text = validate.check_guide(data.guide_text)
    rec.contacts_json = _dumps([c.model_dump() for c in data.contacts])


# The rights-owner portal -------------------------------------------------------------------------


def require_rights_owner(viewer: Viewer) -> str:
    identity.require_role(viewer, Role.RIGHTS_OWNER)
    if viewer.org_kind != OrgKind.RIGHTS_OWNER or viewer.org_id is None:
        raise Forbidden("only a user of a rights-owner organization may file recordations")
    return viewer.org_id


def quote(data: RecordationIn) -> Fee:
    return fee_for(RequestKind.NEW, data.kind, len({c.number for c in data.classes}))


def preview(data: RecordationIn) -> Fee:
    """Check a filing as filing would (short of the database) and say what it will cost."""
    apply_fields(Recordation(), data)
    return quote(data)


def file_recordation(session: Session, viewer: Viewer, data: RecordationIn) -> tuple[Recordation, RecordationRequest]:
    """A rights owner files a new recordation: pending, with its fee, until the agency decides."""
    org_id = require_rights_owner(viewer)
    clash = session.execute(
        select(Recordation.record_number).where(
            Recordation.kind == data.kind, Recordation.registration_number == data.registration_number.strip()
        )
    ).scalar_one_or_none()
    if clash:
        raise Conflict(f"registration {data.registration_number} is already recorded ({clash})")
    rec = Recordation(filed_by_user_id=viewer.user_id)
    apply_fields(rec, data)
    rec.record_number = allocate_numbers(session, data.kind)[0]
    rec.owner_org_id = org_id
    set_status(session, viewer, rec, Status.PENDING)
    session.add(rec)
    session.flush()
    for p in data.products:
        session.add(RecordationProduct(recordation_id=rec.id, name=p.name.strip(), msrp_usd=p.msrp_usd,
                                       hts_code=p.hts_code))
    fee = quote(data)
    request = _new_request(session, viewer, rec, RequestKind.NEW, fee, {})
    return rec, request


def _new_request(
    session: Session, viewer: Viewer, rec: Recordation, kind: str, fee: Fee, payload: dict[str, str]
) -> RecordationRequest:
    open_ = session.execute(
        select(RecordationRequest.id).where(
            RecordationRequest.recordation_id == rec.id, RecordationRequest.kind == kind,
            RecordationRequest.status == "pending",
        )
    ).first()
    if open_:
        raise Conflict(f"a {RequestKind.LABEL[kind].lower()} request for {rec.record_number} is already pending")
    request = RecordationRequest(
        recordation_id=rec.id, kind=kind, status="pending", fee_usd=fee.amount_usd, fee_detail=fee.detail,
        payload_json=json.dumps(payload, sort_keys=True), org_id=viewer.org_id, filed_by_user_id=viewer.user_id,
    )
    session.add(request)
    session.flush()
    return request


def own_recordation(session: Session, viewer: Viewer, recordation_id: str) -> Recordation:
    """A recordation of the viewer's own rights-owner organization (what the portal may change)."""
    org_id = require_rights_owner(viewer)
    rec = fetch_visible(session, Recordation, recordation_id, viewer)
    if rec.owner_org_id != org_id:
        raise Forbidden("a rights owner may only change its own organization's recordations")
    return rec


def renewal_fee(rec: Recordation) -> Fee:
    return fee_for(RequestKind.RENEWAL, rec.kind, len(rec.class_numbers))


def file_renewal(session: Session, viewer: Viewer, recordation_id: str, expires_on: date) -> RecordationRequest:
    rec = own_recordation(session, viewer, recordation_id)
    if rec.status not in (Status.ACTIVE, Status.EXPIRED):
        raise InvalidInput(f"only an active or expired recordation can be renewed; {rec.record_number} is {rec.status}")
    if expires_on <= rec.expires_on:
        raise InvalidInput(f"the renewed expiry must come after the current one ({rec.expires_on.isoformat()})")
    return _new_request(session, viewer, rec, RequestKind.RENEWAL, renewal_fee(rec),
                        {"expires_on": expires_on.isoformat()})


def file_change_of_ownership(
    session: Session, viewer: Viewer, recordation_id: str, data: OwnershipIn
) -> RecordationRequest:
    rec = own_recordation(session, viewer, recordation_id)
    if rec.status in (Status.REJECTED, Status.INACTIVE):
        raise InvalidInput(f"{rec.record_number} is {rec.status}; ownership cannot change")
    payload = {
        "owner_name": validate.clean_text(data.owner_name, "owner name", 300),
        "owner_address": validate.clean_text(data.owner_address, "owner address", 600),
        "owner_country": validate.country(data.owner_country, "owner country"),
    }
    fee = fee_for(RequestKind.CHANGE_OF_OWNERSHIP, rec.kind, 0)
    return _new_request(session, viewer, rec, RequestKind.CHANGE_OF_OWNERSHIP, fee, payload)


def replace_products(session: Session, viewer: Viewer, recordation_id: str, items: list[ProductIn]) -> Recordation:
    rec = own_recordation(session, viewer, recordation_id)
    for old in products_of(session, rec.id):
        session.delete(old)
    for p in items:
        session.add(RecordationProduct(recordation_id=rec.id, name=p.name.strip(), msrp_usd=p.msrp_usd,
                                       hts_code=p.hts_code))
    if items:
        rec.msrp_usd = max(p.msrp_usd for p in items)
    session.flush()
    return rec


def update_guide(session: Session, viewer: Viewer, recordation_id: str, text: str) -> Recordation:
    rec = own_recordation(session, viewer, recordation_id)
    rec.guide_text = validate.check_guide(text)
    session.flush()
    return rec


def _store_file(data: bytes, suffix: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    folder = get_settings().var_dir / "uploads" / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return digest


def file_path(sha256: str, suffix: str) -> Any:
    path = get_settings().var_dir / "uploads" / "registry" / f"{sha256}{suffix}"
    if not path.exists():
        raise NotFound("file not found")
    return path


def attach_guide_file(session: Session, viewer: Viewer, recordation_id: str, name: str, data: bytes) -> Recordation:
    """A photo or PDF for the product identification guide, stored by its SHA-256."""
    rec = own_recordation(session, viewer, recordation_id)
    media = _sniff(data)
    if media not in ("image/png", "image/jpeg", "application/pdf"):
        raise InvalidInput("a guide file must be a PNG or JPEG photo or a PDF")
    if len(data) > MAX_DESIGN_BYTES * 2:
        raise InvalidInput("a guide file may be at most 10 MB")
    digest = _store_file(data, "")
    files = [f for f in rec.guide_files if f["sha256"] != digest]
    label = validate.clean_text(name or "guide", "file name", 200)
    files.append({"name": label, "sha256": digest, "media_type": media})
    rec.guide_files_json = _dumps(files)
    session.flush()
    return rec


def attach_design(session: Session, viewer: Viewer, recordation_id: str, data: bytes) -> Recordation:
    """The design (logo) image: hashed, kept, and a 160-pixel thumbnail made for lists and pages."""
    import io

    from PIL import Image, UnidentifiedImageError

    rec = own_recordation(session, viewer, recordation_id)
    if len(data) > MAX_DESIGN_BYTES:
        raise InvalidInput("a design image may be at most 5 MB")
    media = _sniff(data)
    if media not in ("image/png", "image/jpeg"):
        raise InvalidInput("a design image must be a PNG or JPEG")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.thumbnail((160, 160))
            out = io.BytesIO()
            img.convert("RGBA").save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidInput(f"the design image could not be read: {exc}") from None
    digest = _store_file(data, "")
    (get_settings().var_dir / "uploads" / "registry" / f"{digest}.thumb.png").write_bytes(out.getvalue())
    rec.design_sha256 = digest
    rec.design_media_type = media
    session.flush()
    return rec


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return "application/octet-stream"


# Agency review -----------------------------------------------------------------------------------


def pending_requests(session: Session, viewer: Viewer, *, status: str | None = "pending",
                     limit: int = 200) -> list[tuple[RecordationRequest, Recordation]]:
    """The review queue for the agency; a rights owner sees its own organization's requests."""
    if not viewer.is_agency:
        require_rights_owner(viewer)
    stmt: Any = select(RecordationRequest, Recordation).join(
        Recordation, Recordation.id == RecordationRequest.recordation_id)
    if status:
        stmt = stmt.where(RecordationRequest.status == status)
    if not viewer.is_agency:
        stmt = stmt.where(Recordation.owner_org_id == viewer.org_id)
    stmt = visible(session, stmt, Recordation, viewer).order_by(RecordationRequest.created_at.desc()).limit(limit)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def decide(session: Session, viewer: Viewer, request_id: str, approve: bool, reason: str = "") -> RecordationRequest:
    """An import specialist approves or rejects a request; the owner is told in the portal."""
    identity.require_role(viewer, *REVIEWERS)
    request = session.get(RecordationRequest, request_id)
    if request is None:
        raise NotFound(f"request {request_id} not found")
    rec = fetch_visible(session, Recordation, request.recordation_id, viewer)
    if request.status != "pending":
        raise Conflict(f"this request was already {request.status}")
    reason = reason.strip()
    if not approve and not reason:
        raise InvalidInput("give the reason for a rejection; the rights owner will read it")
    request.status = "approved" if approve else "rejected"
    request.reason = reason
    request.decided_by_user_id = viewer.user_id
    request.decided_by = viewer.username
    request.decided_at = utcnow()
    label = RequestKind.LABEL[request.kind].lower()
    if approve:
        _apply_approved(session, viewer, request, rec)
        message = f"Your {label} for {rec.record_number} ({rec.mark}) was approved."
    else:
        if request.kind == RequestKind.NEW:
            set_status(session, viewer, rec, Status.REJECTED)
        message = f"Your {label} for {rec.record_number} ({rec.mark}) was rejected: {reason}"
    if approve and reason:
        message += f" Note: {reason}"
    notify(session, viewer, rec, "approved" if approve else "rejected", message)
    session.flush()
    return request


def _apply_approved(session: Session, viewer: Viewer, request: RecordationRequest, rec: Recordation) -> None:
    payload = request.payload
    if request.kind == RequestKind.NEW:
        set_status(session, viewer, rec, Status.EXPIRED if rec.expires_on + RENEWAL_WINDOW < utcnow().date()
                   else Status.ACTIVE)
    elif request.kind == RequestKind.RENEWAL:
        rec.expires_on = date.fromisoformat(payload["expires_on"])
        set_status(session, viewer, rec, Status.ACTIVE)
    elif request.kind == RequestKind.CHANGE_OF_OWNERSHIP:
        rec.owner_name = payload["owner_name"]
        rec.owner_address = payload["owner_address"]
        rec.owner_country = payload["owner_country"]


def notify(session: Session, viewer: Viewer, rec: Recordation, kind: str, message: str) -> None:
    owner = rec.owner_org_id or _agency_id(session, viewer)
    notice = RegistryNotice(recordation_id=rec.id, kind=kind, message=message, created_at=utcnow())
    notice.apply_markings(Markings(Classification.UNCLASSIFIED, owner_org_id=owner,
                                   releasable_to=frozenset({_agency_id(session, viewer)})))
    session.add(notice)


def notices(session: Session, viewer: Viewer, limit: int = 50) -> list[RegistryNotice]:
    stmt = select(RegistryNotice)
    if viewer.org_id:
        stmt = stmt.where(RegistryNotice.owner_org_id == viewer.org_id)
    stmt = visible(session, stmt, RegistryNotice, viewer).order_by(RegistryNotice.created_at.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


# Reading -----------------------------------------------------------------------------------------


def get(session: Session, viewer: Viewer, key: str) -> Recordation:
    """One recordation by id or record number (``TMK 26-00001``), if the viewer may see it."""
    rid = key
    if " " in key or "-" in key[:4]:
        found = session.execute(
            select(Recordation.id).where(Recordation.record_number == key.strip().upper())
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"recordation {key} not found")
        rid = found
    rec = fetch_visible(session, Recordation, rid, viewer)
    if sees_everything(viewer, rec) and viewer.is_agency and rec.status not in Status.PUBLIC:
        record_event(session, "read", Recordation.__tablename__, rec.id)
    return rec


def sees_everything(viewer: Viewer, rec: Recordation) -> bool:
    """Agency staff and the owning organization see every field; everyone else the public ones."""
    return viewer.is_agency or (viewer.org_id is not None and viewer.org_id == rec.owner_org_id)


def products_of(session: Session, recordation_id: str) -> list[RecordationProduct]:
    return list(session.execute(
        select(RecordationProduct).where(RecordationProduct.recordation_id == recordation_id)
        .order_by(RecordationProduct.name)
    ).scalars())


def requests_of(session: Session, recordation_id: str) -> list[RecordationRequest]:
    return list(session.execute(
        select(RecordationRequest).where(RecordationRequest.recordation_id == recordation_id)
        .order_by(RecordationRequest.created_at.desc())
    ).scalars())


def own_recordations(session: Session, viewer: Viewer) -> list[Recordation]:
    org_id = require_rights_owner(viewer)
    stmt = visible(session, select(Recordation).where(Recordation.owner_org_id == org_id), Recordation, viewer)
    return list(session.execute(stmt.order_by(Recordation.created_at.desc())).scalars())


# Lifecycle ---------------------------------------------------------------------------------------


def renewal_reminder(rec: Recordation, today: date | None = None) -> str | None:
    """What the owner is told while a renewal is due: 90 days before expiry, and 90 days after it."""
    today = today or utcnow().date()
    if rec.status != Status.ACTIVE:
        return None
    if rec.expires_on - RENEWAL_WINDOW <= today <= rec.expires_on:
        return (f"{rec.record_number} expires on {rec.expires_on.isoformat()}: "
                f"file a renewal ({renewal_fee(rec).label}).")
    if rec.expires_on < today:
        last = rec.expires_on + RENEWAL_WINDOW
        return (f"{rec.record_number} expired on {rec.expires_on.isoformat()}; it stays in force until "
                f"{last.isoformat()} if you file a renewal ({renewal_fee(rec).label}).")
    return None


@dataclass
class ExpireReport:
    expired: int
    reminded: int


def expire(session: Session, viewer: Viewer, today: date | None = None) -> ExpireReport:
    """The scheduled job: remind owners in the renewal window, expire what is past it.

    A recordation whose expiry has passed stays active for a 90-day renewal window; after that it
    becomes expired (still publicly searchable, as expired). Running the job twice is harmless.
    """
    identity.require_role(viewer, Role.ADMIN, Role.SUPERVISOR, Role.BORDER_OFFICER)
    today = today or utcnow().date()
    base = select(Recordation).where(Recordation.status == Status.ACTIVE)
    lapsed = list(session.execute(
        visible(session, base.where(Recordation.expires_on < today - RENEWAL_WINDOW), Recordation, viewer)
    ).scalars())
    for rec in lapsed:
        set_status(session, viewer, rec, Status.EXPIRED)
        notify(session, viewer, rec, "expired",
               f"{rec.record_number} ({rec.mark}) expired: its renewal window closed on "
               f"{(rec.expires_on + RENEWAL_WINDOW).isoformat()}. File a renewal to restore it.")
    due = list(session.execute(visible(session, base.where(
        Recordation.expires_on <= today + RENEWAL_WINDOW, Recordation.expires_on >= today - RENEWAL_WINDOW,
    ), Recordation, viewer)).scalars())
    reminded = 0
    if due:
        already = set(session.execute(select(RegistryNotice.recordation_id).where(
            RegistryNotice.kind == "renewal_reminder",
            RegistryNotice.recordation_id.in_([r.id for r in due]),
            RegistryNotice.created_at >= utcnow() - 2 * RENEWAL_WINDOW,
        )).scalars())
        for rec in due:
            message = renewal_reminder(rec, today)
            if message and rec.id not in already:
                notify(session, viewer, rec, "renewal_reminder", message)
                reminded += 1
    session.flush()
    return ExpireReport(len(lapsed), reminded)
