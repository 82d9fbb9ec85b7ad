"""Entities API: search, one entity with its mentions and history, the review queue and judgements."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_scope, viewer
from pathways.core.policy import Role, Viewer
from pathways.identity.service import require_role
from pathways.resolve import service, views
from pathways.resolve.models import Mention
from pathways.resolve.pages import READERS, REVIEWERS
from pathways.resolve.schemas import (
    EntityOut,
    EntitySummaryOut,
    EventOut,
    JudgementIn,
    JudgementOut,
    MentionOut,
    RelationOut,
    ReviewPairOut,
)

router = APIRouter(tags=["entities"])


def _v(request: Request, scope: str, roles: frozenset[Role]) -> Viewer:
    v = viewer(request)
    require_scope(v, scope)
    require_role(v, *roles)
    return v


def _mention(m: Mention, view: views.EntityPage | None = None) -> MentionOut:
    why = view.matches.get(m.id) if view else None
    return MentionOut(id=m.id, kind=m.kind, value=m.value, source=m.source, record_type=m.record_type,
                      record_id=m.record_id, field=m.field, why=why.explanation if why else None,
                      probability=why.probability if why else None)


@router.get("/api/entities", response_model=list[EntitySummaryOut], summary="Search entities by name or identifier")
def search_entities(request: Request, q: str = "", kind: str = Query("", pattern="^(|person|organization)$"),
                    limit: int = Query(25, ge=1, le=200), offset: int = Query(0, ge=0),
                    session: Session = Depends(db)) -> list[EntitySummaryOut]:
    v = _v(request, "read", READERS)
    return [EntitySummaryOut(**e.__dict__) for e in views.search(session, v, q, kind, limit, offset)]


@router.get("/api/entities/{entity_id}", response_model=EntityOut,
            summary="One entity: its mentions across sources you may see, identifiers, links and history")
def get_entity(entity_id: str, request: Request, session: Session = Depends(db)) -> EntityOut:
    v = _v(request, "read", READERS)
    view = views.entity_page(session, v, entity_id)
    e = view.entity
    return EntityOut(
        id=e.id, kind=e.kind, status=e.status, merged_into=e.merged_into, name=view.name,
        names=[n for n, _ in view.names], identifiers=[(k, val) for k, val, _ in view.identifiers],
        mentions=[_mention(m, view) for m in view.mentions],
        relations=[RelationOut(kind=r["kind"], outgoing=r["outgoing"], entity_id=r["entity_id"], name=r["name"],
                               records=r["records"]) for r in view.relations],
        history=[EventOut(kind=ev.kind, other_ids=[o for o in ev.other_ids.split("|") if o], mentions=ev.mentions,
                          detail=ev.detail, at=ev.at) for ev in view.events])


@router.get("/api/resolve/review", response_model=list[ReviewPairOut], summary="Pairs waiting for a judgement")
def get_review(request: Request, limit: int = Query(25, ge=1, le=200), offset: int = Query(0, ge=0),
               session: Session = Depends(db)) -> list[ReviewPairOut]:
    v = _v(request, "read", REVIEWERS)
    return [ReviewPairOut(id=i.pair.id, kind=i.pair.kind, probability=i.pair.probability,
                          match_weight=i.pair.match_weight, explanation=i.pair.explanation,
                          left=_mention(i.left), right=_mention(i.right))
            for i in views.review_queue(session, v, limit, offset)]


@router.post("/api/resolve/review/{pair_id}/judgement", response_model=JudgementOut, status_code=201,
             summary="Judge a pair: same, not_same or unsure; it beats the model on every later run")
def post_judgement(pair_id: str, body: JudgementIn, request: Request,
                   session: Session = Depends(db)) -> JudgementOut:
    v = _v(request, "write", REVIEWERS)
    views.review_item(session, v, pair_id)
    j = service.judge(session, v, pair_id, body.verdict, body.note)
    return JudgementOut(id=j.id, mention_l=j.mention_l, mention_r=j.mention_r, verdict=j.verdict, note=j.note,
                        judged_at=j.judged_at)
