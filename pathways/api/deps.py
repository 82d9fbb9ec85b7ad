"""Request plumbing shared by the API and the pages: who is asking, their session, scopes and CSRF."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.core.errors import Forbidden, NotAuthenticated
from pathways.core.policy import Role, Viewer, anonymous
from pathways.identity import service as identity
from pathways.identity.models import WebSession
from pathways.store.audit import bind_viewer
from pathways.store.engine import session_factory

SESSION_COOKIE = "pw_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_origin(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def db(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request, bound to the viewer resolved from the token or the cookie.

    Cookie-authenticated writes must carry the session's CSRF token, as the ``X-CSRF-Token`` header
    (HTMX, scripts) or the ``csrf_token`` form field (plain forms).
    """
    submitted = request.headers.get(CSRF_HEADER)
    if request.method not in SAFE_METHODS and submitted is None and _is_form(request):
        field = (await request.form()).get("csrf_token")
        submitted = field if isinstance(field, str) else None
    session = session_factory()()
    try:
        viewer, web = await run_in_threadpool(resolve_viewer, session, request)
        if web is not None and request.method not in SAFE_METHODS:
            check_csrf(web, submitted)
        bind_viewer(session, viewer)
        request.state.viewer = viewer
        request.state.web_session = web
        yield session
        await run_in_threadpool(session.commit)
    except BaseException:
        await run_in_threadpool(session.rollback)
        raise
    finally:
        await run_in_threadpool(session.close)


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith("application/x-www-form-urlencoded") or kind.startswith("multipart/form-data")


def resolve_viewer(session: Session, request: Request) -> tuple[Viewer, WebSession | None]:
    origin = client_origin(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = identity.token_user(session, auth[7:].strip())
        if found is None:
            raise NotAuthenticated("the bearer token is unknown, revoked or expired")
        user, scopes = found
        return identity.viewer_for(session, user, origin, scopes=scopes), None
    hit = identity.web_session_user(session, request.cookies.get(SESSION_COOKIE))
    if hit is not None:
        user, web = hit
        return identity.viewer_for(session, user, origin), web
    return anonymous(origin), None


def check_csrf(web: WebSession, submitted: str | None) -> None:
    """Cookie-authenticated writes must echo the session's CSRF token (a form field or a header)."""
    if not submitted or not hmac.compare_digest(submitted, web.csrf_token):
        raise Forbidden("the form has expired or did not come from this site; reload the page and try again")


def viewer(request: Request) -> Viewer:
    return request.state.viewer  # type: ignore[no-any-return]


def require_user(v: Viewer) -> Viewer:
    if v.is_anonymous:
        raise NotAuthenticated("log in, or send a bearer token")
    return v


def require_scope(v: Viewer, scope: str) -> None:
    """Tokens carry scopes; a browser session acts with the user's full rights."""
    require_user(v)
    if v.scopes is not None and scope not in v.scopes:
        raise Forbidden(f"this token lacks the {scope!r} scope")


def require_roles(v: Viewer, *roles: Role) -> None:
    require_user(v)
    identity.require_role(v, *roles)
