"""Identity API: who am I, tokens, users, offices."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, status
from sqlalchemy.orm import Session

from pathways.api.deps import db, require_roles, require_scope, require_user, viewer
from pathways.core.clock import as_utc, utcnow
from pathways.core.policy import Role
from pathways.identity import service
from pathways.identity.models import ApiToken, Office, User
from pathways.identity.schemas import OfficeOut, TokenCreated, TokenIn, TokenOut, UserIn, UserOut, ViewerOut
from pathways.store.base import decode_tokens

router = APIRouter(prefix="/api", tags=["identity"])


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=sorted(decode_tokens(token.scopes)),
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=token.last_used_at,
    )


def user_out(user: User) -> UserOut:
    locked = user.locked_until is not None and as_utc(user.locked_until) > utcnow()
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        organization=user.organization.name,
        office_code=user.office.code if user.office else None,
        roles=sorted(user.role_names),
        active=user.active,
        locked=locked,
    )


def office_out(office: Office) -> OfficeOut:
    aor = json.loads(office.aor or "[]")
    return OfficeOut(
        code=office.code,
        name=office.name,
        kind=office.kind,
        city=office.city,
        state=office.state,
        country=office.country,
        states=sorted({a["state"] for a in aor}),
        countries=json.loads(office.countries or "[]"),
        active=office.active,
    )


@router.get("/me", response_model=ViewerOut, summary="Who the request acts as")
def me(request: Request, session: Session = Depends(db)) -> ViewerOut:
    v = require_user(viewer(request))
    return ViewerOut(
        user_id=v.user_id,
        username=v.username,
        organization_id=v.org_id,
        office_id=v.office_id,
        roles=sorted(r.value for r in v.roles),
        clearance=v.clearance.label,
        caveats=sorted(v.caveats),
        compartments=sorted(v.compartments),
        scopes=sorted(v.scopes) if v.scopes is not None else None,
    )


@router.get("/tokens", response_model=list[TokenOut], summary="My API tokens")
def list_tokens(request: Request, session: Session = Depends(db)) -> list[TokenOut]:
    v = viewer(request)
    require_scope(v, "read")
    return [token_out(t) for t in service.list_tokens(session, v)]


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED, summary="New token")
def create_token(body: TokenIn, request: Request, session: Session = Depends(db)) -> TokenCreated:
    v = viewer(request)
    require_scope(v, "write")
    secret, token = service.create_token(session, v, body.name, body.scopes, body.expires_days)
    return TokenCreated(token=secret, **token_out(token).model_dump())


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke a token")
def revoke_token(token_id: str, request: Request, session: Session = Depends(db)) -> TokenOut:
    v = viewer(request)
    require_scope(v, "write")
    return token_out(service.revoke_token(session, v, token_id))


@router.get("/users", response_model=list[UserOut], summary="All users (administrators, auditors)")
def list_users(request: Request, session: Session = Depends(db)) -> list[UserOut]:
    v = viewer(request)
    require_scope(v, "read")
    return [user_out(u) for u in service.list_users(session, v)]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="New user")
def create_user(body: UserIn, request: Request, session: Session = Depends(db)) -> UserOut:
    v = viewer(request)
    require_scope(v, "admin")
    require_roles(v, Role.ADMIN)
    user = service.create_user(
        session,
        v,
        username=body.username,
        password=body.password,
        roles=service.parse_roles(body.roles),
        office_code=body.office_code,
        display_name=body.display_name,
        email=body.email,
    )
    session.refresh(user)
    return user_out(user)


@router.get("/offices", response_model=list[OfficeOut], summary="Field, attaché and HQ offices")
def list_offices(request: Request, kind: str | None = None, session: Session = Depends(db)) -> list[OfficeOut]:
    require_scope(viewer(request), "read")
    return [office_out(o) for o in service.list_offices(session, kind)]
