"""CSRF for forms posted before there is a session (the login form): a signed double-submit cookie.

The login page sets a random token twice: in a hidden field and, signed with the installation's
secret, in a cookie. A post is accepted only if the two agree, so another site cannot post a login
form on a visitor's behalf (login CSRF). Logged-in forms use the web session's own token instead
(checked by ``pathways.api.deps.db``).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from pathways.core.settings import get_settings

LOGIN_CSRF_COOKIE = "pw_login_csrf"
MAX_AGE = 2 * 3600  # a login page left open longer than this must be reloaded


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().effective_secret_key(), salt="pathways.login-csrf")


def issue(request: Request) -> str:
    """The token for this browser: reuse a still-valid cookie (several open tabs keep working)."""
    current = _read_cookie(request)
    return current or secrets.token_urlsafe(32)


def set_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        _signer().dumps(token),
        max_age=MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=get_settings().cookie_secure,
        path="/login",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")


def _read_cookie(request: Request) -> str | None:
    raw = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not raw:
        return None
    try:
        value = _signer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def valid(request: Request, submitted: str | None) -> bool:
    expected = _read_cookie(request)
    return bool(expected and submitted and hmac.compare_digest(expected, submitted))
