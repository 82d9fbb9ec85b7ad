"""Recordations as the shapes each viewer may have: public fields for the public, every field otherwise."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pathways.core.policy import Viewer
from pathways.registry import service
from pathways.registry.models import Recordation, RecordationRequest, RegistryNotice
from pathways.registry.schemas import (
    AffiliateOut,
    ClassOut,
    ContactOut,
    GuideFileOut,
    NoticeOut,
    PartyOut,
    ProductOut,
    RecordationFull,
    RecordationPublic,
    RequestOut,
)


def public_view(rec: Recordation) -> RecordationPublic:
    return RecordationPublic(
        id=rec.id, record_number=rec.record_number, kind=rec.kind, status=rec.status,  # type: ignore[arg-type]
        mark=rec.mark, owner_name=rec.owner_name, owner_country=rec.owner_country,
        registration_number=rec.registration_number, registration_date=rec.registration_date,
        expires_on=rec.expires_on, classes=[ClassOut(**c) for c in rec.classes], has_design=bool(rec.design_sha256),
    )


def full_view(session: Session, rec: Recordation) -> RecordationFull:
    base = public_view(rec).model_dump()
    return RecordationFull(
        **base,
        owner_address=rec.owner_address,
        places_of_manufacture=rec.manufacture_countries,
        authorized=[PartyOut(**p) for p in rec.authorized],
        affiliates=[AffiliateOut(**a) for a in rec.affiliates],
        gray_market=rec.gray_market,
        gray_market_differences=rec.gray_market_differences,
        msrp_usd=rec.msrp_usd,
        products=[ProductOut(id=p.id, name=p.name, msrp_usd=p.msrp_usd, hts_code=p.hts_code)
                  for p in service.products_of(session, rec.id)],
        guide_text=rec.guide_text,
        guide_files=[GuideFileOut(**f) for f in rec.guide_files],
        contacts=[ContactOut(**c) for c in rec.contacts],
        owner_org_id=rec.owner_org_id,
        created_at=rec.created_at,
        updated_at=rec.updated_at,
    )


def view_for(session: Session, viewer: Viewer, rec: Recordation) -> RecordationFull | RecordationPublic:
    return full_view(session, rec) if service.sees_everything(viewer, rec) else public_view(rec)


def request_view(req: RecordationRequest, rec: Recordation) -> RequestOut:
    return RequestOut(
        id=req.id, recordation_id=rec.id, record_number=rec.record_number, mark=rec.mark, kind=req.kind,
        status=req.status, fee_usd=req.fee_usd, fee_detail=req.fee_detail,
        payload={k: str(v) for k, v in req.payload.items()}, reason=req.reason, decided_by=req.decided_by,
        decided_at=req.decided_at, created_at=req.created_at,
    )


def notice_view(n: RegistryNotice) -> NoticeOut:
    return NoticeOut(id=n.id, recordation_id=n.recordation_id, kind=n.kind, message=n.message,
                     created_at=n.created_at)
