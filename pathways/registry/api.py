"""Registry API: search (public and officer), the rights-owner portal, and agency review."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile, status
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_scope, require_user, viewer
from pathways.core.policy import Viewer
from pathways.registry import service
from pathways.registry.fees import fee_for
from pathways.registry.present import full_view, notice_view, request_view, view_for
from pathways.registry.schemas import (
    DecisionIn,
    FeeOut,
    FeeQuoteIn,
    FiledOut,
    GuideIn,
    NoticeOut,
    OwnershipIn,
    ProductIn,
    RecordationFull,
    RecordationIn,
    RecordationPublic,
    RenewalIn,
    RequestOut,
    SearchHitOut,
    SearchOut,
)
from pathways.registry.search import SearchQuery, search

router = APIRouter(prefix="/api/registry", tags=["registry"])


def reader(request: Request) -> Viewer:
    """Anyone may search; a token must carry the read scope."""
    v = viewer(request)
    if not v.is_anonymous:
        require_scope(v, "read")
    return v


def writer(request: Request) -> Viewer:
    v = require_user(viewer(request))
    require_scope(v, "write")
    return v


@router.get("/recordations", response_model=SearchOut, summary="Search recordations (keyword, field, similar mark)")
def list_recordations(
    request: Request,
    q: str = Query("", max_length=300, description="Words, a mark or a record number"),
    similar: bool = Query(False, description="Identical and confusingly similar marks, ranked (agency staff)"),
    mark: str | None = Query(None, max_length=300),
    owner: str | None = Query(None, max_length=300),
    country: str | None = Query(None, max_length=2, description="Owner country"),
    class_number: int | None = Query(None, alias="class", ge=1, le=45),
    status_: str | None = Query(None, alias="status"),
    kind: str | None = Query(None),
    limit: int = Query(20, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = Depends(db),
) -> SearchOut:
    v = reader(request)
    result = search(session, v, SearchQuery(q=q, similar=similar, mark=mark, owner=owner, country=country,
                                            class_number=class_number, status=status_, kind=kind, limit=limit,
                                            offset=offset))
    items = [SearchHitOut(score=h.score, reasons=list(h.reasons), recordation=view_for(session, v, h.recordation))
             for h in result.hits]
    return SearchOut(items=items, total=result.total, limit=limit, offset=offset, similar=result.similar)


@router.get("/recordations/{key}", response_model=RecordationFull | RecordationPublic,
            summary="One recordation by id or record number")
def get_recordation(key: str, request: Request, session: Session = Depends(db)) -> RecordationFull | RecordationPublic:
    v = reader(request)
    return view_for(session, v, service.get(session, v, key))


@router.post("/fees/quote", response_model=FeeOut, summary="The fee a filing will cost, before it is filed")
def quote_fee(body: FeeQuoteIn) -> FeeOut:
    fee = fee_for(body.request_kind, body.kind, body.classes)
    return FeeOut(amount_usd=fee.amount_usd, detail=fee.detail)


@router.post("/recordations", response_model=FiledOut, status_code=status.HTTP_201_CREATED,
             summary="File a new recordation (rights owner)")
def file_recordation(body: RecordationIn, request: Request, session: Session = Depends(db)) -> FiledOut:
    v = writer(request)
    rec, req = service.file_recordation(session, v, body)
    return FiledOut(recordation=full_view(session, rec), request=request_view(req, rec))


@router.post("/recordations/{recordation_id}/renewal", response_model=RequestOut, status_code=201,
             summary="File a renewal (rights owner)")
def file_renewal(recordation_id: str, body: RenewalIn, request: Request, session: Session = Depends(db)) -> RequestOut:
    v = writer(request)
    req = service.file_renewal(session, v, recordation_id, body.expires_on)
    return request_view(req, service.get(session, v, recordation_id))


@router.post("/recordations/{recordation_id}/ownership", response_model=RequestOut, status_code=201,
             summary="File a change of ownership (rights owner)")
def file_ownership(recordation_id: str, body: OwnershipIn, request: Request,
                   session: Session = Depends(db)) -> RequestOut:
    v = writer(request)
    req = service.file_change_of_ownership(session, v, recordation_id, body)
    return request_view(req, service.get(session, v, recordation_id))


@router.put("/recordations/{recordation_id}/products", response_model=RecordationFull,
            summary="Replace the products and their MSRP (rights owner)")
def put_products(recordation_id: str, body: list[ProductIn], request: Request,
                 session: Session = Depends(db)) -> RecordationFull:
    v = writer(request)
    return full_view(session, service.replace_products(session, v, recordation_id, body))


@router.put("/recordations/{recordation_id}/guide", response_model=RecordationFull,
            summary="Replace the product identification guide text (rights owner)")
def put_guide(recordation_id: str, body: GuideIn, request: Request, session: Session = Depends(db)) -> RecordationFull:
    v = writer(request)
    return full_view(session, service.update_guide(session, v, recordation_id, body.guide_text))


@router.post("/recordations/{recordation_id}/guide-files", response_model=RecordationFull,
             summary="Add a photo or PDF to the identification guide (rights owner)")
async def add_guide_file(recordation_id: str, request: Request, file: UploadFile = File(...),
                         session: Session = Depends(db)) -> RecordationFull:
    v = writer(request)
    data = await file.read(service.MAX_DESIGN_BYTES * 2 + 1)
    return full_view(session, service.attach_guide_file(session, v, recordation_id, file.filename or "guide", data))


@router.post("/recordations/{recordation_id}/design", response_model=RecordationFull,
             summary="Set the design image (rights owner)")
async def add_design(recordation_id: str, request: Request, file: UploadFile = File(...),
                     session: Session = Depends(db)) -> RecordationFull:
    v = writer(request)
    data = await file.read(service.MAX_DESIGN_BYTES + 1)
    return full_view(session, service.attach_design(session, v, recordation_id, data))


@router.get("/requests", response_model=list[RequestOut], summary="Filed requests: the agency's review queue")
def list_requests(request: Request, status_: str | None = Query("pending", alias="status"),
                  session: Session = Depends(db)) -> list[RequestOut]:
    v = require_user(reader(request))
    return [request_view(r, rec) for r, rec in service.pending_requests(session, v, status=status_ or None)]


@router.post("/requests/{request_id}/decision", response_model=RequestOut,
             summary="Approve or reject a request (import specialist)")
def decide(request_id: str, body: DecisionIn, request: Request, session: Session = Depends(db)) -> RequestOut:
    v = writer(request)
    req = service.decide(session, v, request_id, body.approve, body.reason)
    return request_view(req, service.get(session, v, req.recordation_id))


@router.get("/notices", response_model=list[NoticeOut], summary="Notices to my organization (decisions, reminders)")
def list_notices(request: Request, session: Session = Depends(db)) -> list[NoticeOut]:
    v = require_user(reader(request))
    return [notice_view(n) for n in service.notices(session, v)]
