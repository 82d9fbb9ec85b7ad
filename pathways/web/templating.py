"""Rendering pages: one Jinja2 environment, the ``render`` helper and one-shot flash messages.

``render(request, "x.html", **ctx)`` adds what every page needs: the viewer and the header line
about them, the navigation they may see, the session's CSRF token, the flash messages, and the
marking banner when the page passes ``marking=``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pathways import __version__
from pathways.core.clock import as_utc
from pathways.core.policy import Classification, Viewer, anonymous
from pathways.core.settings import get_settings
from pathways.web.nav import NavItem, visible

WEB_DIR = Path(__file__).parent
PACKAGE_DIR = WEB_DIR.parent
FLASH_COOKIE = "pw_flash"

# Pages send these with every HTML response: no caching of protected data, no framing, no
# script or style from anywhere but this server.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
}


def template_dirs() -> list[Path]:
    """The web module's own templates first, then every module's ``templates/`` folder."""
    dirs = [WEB_DIR / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.is_dir() and p.parent != WEB_DIR)
    return dirs


def _datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return as_utc(value).strftime(fmt) + " UTC"


def _prettyjson(text: str | None) -> str:
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
    except ValueError:
        return text


def build_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datetime"] = _datetime
    env.filters["prettyjson"] = _prettyjson
    env.filters["pairs"] = lambda values: [(v, v) for v in values]
    env.globals["version"] = __version__
    env.globals["Classification"] = Classification
    return env


# Flash messages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flash:
    text: str
    kind: str = "success"  # success | info | warning | error


def _flash_signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().effective_secret_key(), salt="pathways.flash")


def flash(response: HTMLResponse | RedirectResponse, text: str, kind: str = "success") -> None:
    """Show ``text`` once, on the next page this browser renders."""
    response.set_cookie(
        FLASH_COOKIE,
        _flash_signer().dumps([text, kind]),
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
        path="/",
    )


def _take_flashes(request: Request) -> list[Flash]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        text, kind = _flash_signer().loads(raw)
    except (BadSignature, ValueError, TypeError):
        return []
    return [Flash(str(text), str(kind))]


def redirect(url: str, message: str | None = None, kind: str = "success") -> RedirectResponse:
    """A 303 See Other after a form post, optionally with a flash message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        flash(response, message, kind)
    return response


# Rendering ---------------------------------------------------------------------------------------


def _marking_class(marking: str) -> str:
    text = marking.upper()
    if text.startswith("SECRET"):
        return "secret"
    if text.startswith("CONFIDENTIAL"):
        return "confidential"
    return "unclassified"


def _asset_url(request: Request, path: str) -> str | None:
    """``/assets/<path>`` if the npm package is installed; None otherwise, so pages work without it."""
    assets = getattr(request.app.state, "assets_dir", None)
    if assets is None or not (Path(assets) / path).is_file():
        return None
    return f"/assets/{path}"


def render(request: Request, template: str, *, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a page with the context every page shares; ``ctx`` adds or overrides."""
    env: Environment = request.app.state.jinja
    viewer: Viewer = getattr(request.state, "viewer", None) or anonymous()
    nav_items: list[NavItem] = getattr(request.app.state, "nav", [])
    marking = ctx.pop("marking", None)
    if isinstance(marking, Classification):
        marking = marking.label
    base = {
        "request": request,
        "viewer": viewer,
        "who": getattr(request.state, "who", None),
        "nav": visible(nav_items, viewer),
        "path": request.url.path,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "flashes": _take_flashes(request),
        "marking": marking,
        "marking_class": _marking_class(marking) if marking else "",
        "htmx_url": _asset_url(request, "htmx.org/dist/htmx.min.js"),
        "title": "",
    }
    base.update(ctx)
    html = env.get_template(template).render(base)
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response

