"""Screening API: the targeting queue, one targeted line, exam outcomes, the hit rate."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_scope, viewer
from pathways.core.policy import Viewer
from pathways.screening import service
from pathways.screening.models import LineStatus, TargetedLine
from pathways.screening.schemas import HitRateOut, OutcomeIn, RateOut, TargetedLineOut

router = APIRouter(prefix="/api/screening", tags=["screening"])


def _v(request: Request, scope: str) -> Viewer:
    v = viewer(request)
    require_scope(v, scope)
    return v


def _out(line: TargetedLine) -> TargetedLineOut:
    return TargetedLineOut(
        line_id=line.line_id, entry_number=line.entry_number, arrival_date=line.arrival_date,
        port_code=line.port_code, mode=line.mode, description=line.description, origin_country=line.origin_country,
        hts_code=line.hts_code, quantity=line.quantity, unit_value_usd=line.unit_value_usd,
        importer_name=line.importer_name, shipper_name=line.shipper_name, consignee_name=line.consignee_name,
        score=line.score, targeted=line.targeted, sampled=line.sampled, recordation_numbers=line.recordation_list,
        reasons=line.reason_list, status=line.status, detention_id=line.detention_id, seizure_id=line.seizure_id)


@router.get("/queue", response_model=list[TargetedLineOut], summary="Targeted lines, highest score first")
def get_queue(request: Request, port: str | None = None, status: str = Query(LineStatus.QUEUED),
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
              session: Session = Depends(db)) -> list[TargetedLineOut]:
    v = _v(request, "read")
    return [_out(x) for x in service.queue(session, v, port, status, limit, offset)]


@router.get("/lines/{line_id}", response_model=TargetedLineOut, summary="One targeted line with its reasons")
def get_line(line_id: str, request: Request, session: Session = Depends(db)) -> TargetedLineOut:
    return _out(service.get_line(session, _v(request, "read"), line_id))


@router.post("/lines/{line_id}/outcome", response_model=TargetedLineOut, summary="Record the exam outcome")
def post_outcome(line_id: str, body: OutcomeIn, request: Request, session: Session = Depends(db)) -> TargetedLineOut:
    v = _v(request, "write")
    line = service.record_outcome(session, v, line_id, service.Outcome(
        body.outcome, body.note, body.quantity, body.product_category, body.recordation_numbers))
    return _out(line)


@router.get("/hit-rate", response_model=HitRateOut, summary="Share of exams that found a violation")
def get_hit_rate(request: Request, session: Session = Depends(db)) -> HitRateOut:
    total, by_rule, by_port = service.hit_rates(session, _v(request, "read"))

    def r(x: service.Rate) -> RateOut:
        return RateOut(key=x.key, label=x.label, examined=x.examined, violations=x.violations, rate=round(x.rate, 4))

    return HitRateOut(total=r(total), by_rule=[r(x) for x in by_rule], by_port=[r(x) for x in by_port])
