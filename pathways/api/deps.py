"""Request plumbing shared by the API and the pages: who is asking, their session, scopes and CSRF."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.core.errors import Forbidden, NotAuthenticated
from pathways.core.policy import Role, Viewer, anonymous
from pathways.identity import service as identity
from pathways.identity.models import WebSession
from pathways.store.audit import bind_viewer
from pathways.store.base import decode_tokens
from pathways.store.engine import session_factory
from pathways.store.session import unit_of_work

SESSION_COOKIE = "pw_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_origin(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def db(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request, bound to the viewer resolved from the token or the cookie.

    Cookie-authenticated writes must carry the session's CSRF token, as the ``X-CSRF-Token`` header
    (HTMX, scripts) or the ``csrf_token`` form field (plain forms).

    A transaction that holds the database's write lock (SQLite) or the audit chain's head (PostgreSQL)
    must never wait for a thread of the shared pool, or every pool thread can end up waiting for that
    lock while its holder waits for a thread. So the caller is resolved in a unit of work of its own,
    begun and committed in one thread; the request's transaction begins in the route's thread; it ends
    (commit or rollback, then close) in one call that does not take a pool thread; and at most half
    of the pool's threads serve requests inside a transaction (``transaction_slot``), so a holder
    always finds one for the route's response (ADR 0016).
    """
    submitted = request.headers.get(CSRF_HEADER)
    if request.method not in SAFE_METHODS and submitted is None and _is_form(request):
        field = (await request.form()).get("csrf_token")
        submitted = field if isinstance(field, str) else None
    async with transaction_slot():
        viewer, web = await run_in_threadpool(caller, request)
        if web is not None and request.method not in SAFE_METHODS:
            check_csrf(web, submitted)
        request.state.viewer = viewer
        request.state.web_session = web
        session = session_factory()()
        bind_viewer(session, viewer)
        try:
            yield session
        except BaseException:
            await _end(session, commit=False)
            raise
        await _end(session, commit=True)


_SLOTS: RunVar[anyio.Semaphore] = RunVar("pathways_transaction_slots")


@asynccontextmanager
async def transaction_slot() -> AsyncIterator[None]:
    """A place among the requests that may hold a transaction at once in this process: half the
    threads of the pool, so the other half stay free for the hops (response serialization) that a
    request makes while its transaction is open. Waiting takes no thread."""
    try:
        slots = _SLOTS.get()
    except LookupError:
        slots = anyio.Semaphore(max(1, int(anyio.to_thread.current_default_thread_limiter().total_tokens) // 2))
        _SLOTS.set(slots)
    async with slots:
        yield


async def _end(session: Session, *, commit: bool) -> None:
    """Commit (or roll back) and close in one thread call with a limiter of its own: it never waits
    for the shared pool, and a cancelled request still releases its transaction."""

    def end() -> None:
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(end, limiter=anyio.CapacityLimiter(1))


def caller(request: Request) -> tuple[Viewer, WebSession | None]:
    """Who is asking, resolved in a read-only unit of work of its own; a token's last use, kept to the
    minute, is saved when due in a short one under the caller's name. Both begin and end in this one
    call."""
    with unit_of_work(anonymous(client_origin(request)), readonly=True) as session:
        viewer, web, token_id = _resolve(session, request)
    if token_id is not None:
        with unit_of_work(viewer) as session:
            identity.note_token_use(session, token_id)
    return viewer, web


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith("application/x-www-form-urlencoded") or kind.startswith("multipart/form-data")


def resolve_viewer(session: Session, request: Request) -> tuple[Viewer, WebSession | None]:
    """Who is asking; reads only."""
    viewer, web, _ = _resolve(session, request)
    return viewer, web


def _resolve(session: Session, request: Request) -> tuple[Viewer, WebSession | None, str | None]:
    """The viewer, its web session, and the id of a token whose last use is due to be saved."""
    origin = client_origin(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = identity.find_token(session, auth[7:].strip())
        if found is None:
            raise NotAuthenticated("the bearer token is unknown, revoked or expired")
        token, user = found
        viewer = identity.viewer_for(session, user, origin, scopes=decode_tokens(token.scopes))
        return viewer, None, token.id if identity.token_use_due(token) else None
    hit = identity.web_session_user(session, request.cookies.get(SESSION_COOKIE))
    if hit is not None:
        user, web = hit
        return identity.viewer_for(session, user, origin), web, None
    return anonymous(origin), None, None


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
