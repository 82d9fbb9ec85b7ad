"""Seizure API: the annual statistics (JSON figures, or the HTML/PDF/CSV report) and owners' notices."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_scope, viewer
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.seizures import notices, report

router = APIRouter(prefix="/api/seizures", tags=["seizures"])
STAFF = (Role.ADMIN, Role.SUPERVISOR, Role.SPECIAL_AGENT, Role.INTELLIGENCE_ANALYST, Role.BORDER_OFFICER)


def _v(request: Request) -> Viewer:
    v = viewer(request)
    require_scope(v, "read")
    return v


@router.get("/report", summary="The annual seizure statistics of a fiscal year")
def get_report(request: Request, fy: int | None = Query(None, description="Fiscal year; default the latest"),
               format: str = Query("json", description="json, html, pdf or csv"),
               session: Session = Depends(db)) -> Any:
    v = _v(request)
    identity.require_role(v, *STAFF)
    r = report.build_report(session, v, fy or report.latest_fiscal_year(session, v))
    if format == "json":
        return _jsonable(dataclasses.asdict(r) | {"summary": r.summary})
    body = report.render(r, format)
    return Response(body, media_type=report.MEDIA_TYPES[format])


@router.get("/notices", summary="Disclosure notices of seizures (a rights owner sees its own)")
def get_notices(request: Request, limit: int = Query(100, ge=1, le=500),
                session: Session = Depends(db)) -> list[dict[str, Any]]:
    v = _v(request)
    return [{"notice_number": n.notice_number, "record_number": n.record_number, "mark": n.mark,
             "imported_on": n.imported_on.isoformat(), "port_code": n.port_code, "description": n.description,
             "quantity": n.quantity, "manufacturer": n.manufacturer, "exporter": n.exporter, "importer": n.importer,
             "origin_country": n.origin_country, "text": n.text, "created_at": n.created_at.isoformat()}
            for n in notices.notices_for_owner(session, v, limit)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_jsonable(x) for x in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
