"""Errors on pages render an HTML page; errors under /api stay RFC 9457 problem details.

The API's handlers are installed first (``pathways.api.problems``); here each one is wrapped so that
only requests for pages get HTML. An anonymous visitor who needs to log in is redirected to the login
page with ``next`` set, instead of seeing an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from pathways.api.deps import resolve_viewer
from pathways.api.problems import problem
from pathways.core.errors import NotAuthenticated, PathwaysError
from pathways.core.policy import anonymous
from pathways.store.engine import session_factory
from pathways.web.deps import safe_next, who_for
from pathways.web.templating import render

log = logging.getLogger("pathways.web")

API_PREFIXES = ("/api/", "/docs", "/openapi.json", "/redoc")
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    423: "Account locked",
    500: "Something went wrong",
}


def is_page_request(request: Request) -> bool:
    path = request.url.path
    if path == "/api" or path.startswith(API_PREFIXES):
        return False
    accept = request.headers.get("accept", "")
    return not ("json" in accept and "text/html" not in accept)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":  # a form posted after the session ended: come back to the form's page
        ref = urlsplit(request.headers.get("referer", ""))
        same_site = ref.netloc in ("", request.url.netloc)
        target = safe_next(ref.path + (f"?{ref.query}" if ref.query else "")) if same_site else "/"
    url = "/login?next=" + quote(target, safe="/")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _resolve_header(request: Request) -> None:
    """Errors raised before a page's dependencies ran (a 404) still show who is signed in."""
    session = session_factory(readonly=True)()
    try:
        try:
            viewer, web = resolve_viewer(session, request)
        except PathwaysError:
            viewer, web = anonymous(), None
        request.state.viewer = viewer
        request.state.csrf_token = web.csrf_token if web is not None else ""
        request.state.who = who_for(session, viewer)
    finally:
        session.rollback()
        session.close()


async def error_page(request: Request, status: int, detail: str, title: str | None = None,
                     errors: list[str] | None = None) -> Response:
    if getattr(request.state, "viewer", None) is None:
        try:
            await run_in_threadpool(_resolve_header, request)
        except Exception:  # the database itself may be what failed; show the page anyway
            log.exception("could not resolve the viewer for an error page")
    return render(
        request,
        "error.html",
        status_code=status,
        status=status,
        title=title or TITLES.get(status, "Error"),
        detail=detail,
        errors=errors or [],
    )


def install_html_errors(app: FastAPI) -> None:
    handlers = cast(dict[Any, Callable[[Request, Exception], Awaitable[Response]]], app.exception_handlers)
    api_domain = handlers[PathwaysError]
    api_validation = handlers[RequestValidationError]
    api_http = handlers[StarletteHTTPException]

    async def domain(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api_domain(request, exc)
        assert isinstance(exc, PathwaysError)
        if isinstance(exc, NotAuthenticated):
            return login_redirect(request)
        return await error_page(request, exc.status, exc.detail, exc.title)

    async def validation(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api_validation(request, exc)
        assert isinstance(exc, RequestValidationError)
        errors = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        return await error_page(request, 422, "Some of what was sent could not be used.", errors=errors)

    async def http(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api_http(request, exc)
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = {
            404: "There is no page at this address. Check the link, or start again from the home page.",
            405: "This address does not accept that kind of request.",
        }.get(status, str(exc.detail))
        return await error_page(request, status, detail)

    async def crash(request: Request, exc: Exception) -> Any:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        if not is_page_request(request):
            return problem(500, "Internal error", "the server failed; the error has been logged", request.url.path)
        return await error_page(
            request, 500, "The server could not finish this request. The error has been logged; try again."
        )

    app.add_exception_handler(PathwaysError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, crash)
