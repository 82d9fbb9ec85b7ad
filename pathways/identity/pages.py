"""Identity pages: log in and out, my API tokens, users and offices (administration)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import pycountry
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pathways.api.deps import SESSION_COOKIE, client_origin
from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import AccountLocked, Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from pathways.core.policy import Classification, Role, Viewer, anonymous
from pathways.core.settings import get_settings
from pathways.identity import service
from pathways.identity.models import ApiToken, Office, User
from pathways.identity.scopes import SCOPES
from pathways.store.base import decode_tokens
from pathways.store.session import unit_of_work
from pathways.web import csrf
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page, safe_next
from pathways.web.nav import AGENCY_ROLES, NavItem
from pathways.web.tables import Column, Table
from pathways.web.templating import redirect, render

router = APIRouter()

USER_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR})
MIN_PASSWORD = 12

NAV = [
    NavItem("Users", "/admin/users", USER_READERS, description="Accounts, roles and locked logins.", order=80),
    NavItem("Offices", "/admin/offices", AGENCY_ROLES,
            description="Field offices, attaché offices and HQ triage, and what each covers.", order=85),
    NavItem("API tokens", "/account/tokens", description="Tokens for scripts that use the API.", order=95),
]

KIND_LABELS = {"field_office": "Field office", "attache_office": "Attaché office", "hq_triage": "HQ triage"}


# Log in and out ----------------------------------------------------------------------------------


def _login_page(request: Request, token: str, *, next_url: str, username: str = "", error: str = "",
                status_code: int = 200) -> HTMLResponse:
    response = render(request, "identity/login.html", status_code=status_code, title="Log in",
                      login_csrf=token, next_url=next_url, username=username, error=error,
                      lockout_threshold=get_settings().lockout_threshold,
                      lockout_minutes=get_settings().lockout_minutes)
    csrf.set_cookie(response, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", ctx: PageContext = Depends(page)) -> Response:
    if not ctx.viewer.is_anonymous:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, csrf.issue(request), next_url=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    next_url = safe_next(next)
    if not csrf.valid(request, csrf_token):
        return render(request, "error.html", status_code=403, status=403, title="Login form expired",
                      detail="The login form has expired or did not come from this site. "
                             "Reload the login page and try again.", errors=[],
                      retry_url="/login?next=" + quote(next_url, safe="/"))
    origin = client_origin(request)
    with unit_of_work(anonymous(origin)) as session:
        try:
            user = service.authenticate(session, username, password, origin)
        except AccountLocked:
            return _login_page(request, csrf_token, next_url=next_url, username=username, status_code=423,
                               error="This account is locked after too many failed logins. "
                                     "Try again later, or ask an administrator to unlock it.")
        except NotAuthenticated:
            return _login_page(request, csrf_token, next_url=next_url, username=username, status_code=401,
                               error="Wrong username or password.")
        service.end_web_session(session, request.cookies.get(SESSION_COOKIE))
        token, _web = service.start_web_session(session, user, origin)
    settings = get_settings()
    done = RedirectResponse(next_url, status_code=303)
    done.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    csrf.clear_cookie(done)
    return done


@router.post("/logout")
def logout(request: Request, ctx: PageContext = Depends(page)) -> Response:
    service.end_web_session(ctx.session, request.cookies.get(SESSION_COOKIE))
    response = redirect("/login", "You are logged out.", "info")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# My API tokens -----------------------------------------------------------------------------------


def allowed_scopes(viewer: Viewer) -> list[tuple[str, str]]:
    """The scopes this user may put on a token (the service refuses the others)."""
    out = []
    for name, text in SCOPES.items():
        if name == "admin" and not viewer.has_role(Role.ADMIN):
            continue
        if name == "audit" and not viewer.has_role(Role.AUDITOR, Role.ADMIN):
            continue
        out.append((name, text))
    return out


@dataclass(frozen=True)
class TokenRow:
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: object
    expires_at: object
    last_used_at: object
    status: str


def _token_row(t: ApiToken) -> TokenRow:
    now = utcnow()
    if t.revoked_at is not None:
        status = "revoked"
    elif t.expires_at is not None and as_utc(t.expires_at) <= now:
        status = "expired"
    else:
        status = "active"
    return TokenRow(t.id, t.name, t.prefix, sorted(decode_tokens(t.scopes)), t.created_at, t.expires_at,
                    t.last_used_at, status)


def _tokens_page(ctx: PageContext, status_code: int = 200, **extra: object) -> HTMLResponse:
    rows = [_token_row(t) for t in service.list_tokens(ctx.session, ctx.viewer)]
    form = {"name": "", "scopes": ["read"], "expires_days": ""}
    form.update(extra.pop("form", None) or {})  # type: ignore[call-overload]
    return render(ctx.request, "identity/tokens.html", status_code=status_code, title="API tokens",
                  tokens=rows, scopes=[(n, n, text) for n, text in allowed_scopes(ctx.viewer)], form=form, **extra)


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens(ctx: PageContext = Depends(page)) -> HTMLResponse:
    ctx.require_user()
    return _tokens_page(ctx)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    ctx: PageContext = Depends(page),
    name: str = Form(""),
    scopes: list[str] = Form(default=[]),
    expires_days: str = Form(""),
) -> HTMLResponse:
    ctx.require_user()
    form = {"name": name, "scopes": scopes, "expires_days": expires_days}
    try:
        days = int(expires_days) if expires_days.strip() else None
        if days is not None and not 1 <= days <= 3650:
            raise ValueError
    except ValueError:
        return _tokens_page(ctx, 422, form=form, error="Expiry must be a whole number of days from 1 to 3650.")
    if not scopes:
        return _tokens_page(ctx, 422, form=form, error="Choose at least one scope.")
    try:
        secret, token = service.create_token(ctx.session, ctx.viewer, name, scopes, days)
    except (InvalidInput, Forbidden) as exc:
        return _tokens_page(ctx, 422, form=form, error=_sentence(exc.detail))
    return _tokens_page(ctx, new_secret=secret, new_name=token.name)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: str, ctx: PageContext = Depends(page)) -> Response:
    ctx.require_user()
    token = service.revoke_token(ctx.session, ctx.viewer, token_id)
    return redirect("/account/tokens", f"Token “{token.name}” is revoked; scripts using it will be refused.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# Users -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    username: str
    name: str
    email: str
    roles: list[str]
    office: str
    organization: str
    last_login_at: object
    status: str


def _user_status(u: User) -> str:
    if not u.active:
        return "inactive"
    if u.locked_until is not None and as_utc(u.locked_until) > utcnow():
        return "locked"
    return "active"


def _user_row(u: User) -> UserRow:
    role_labels = [Role(r).label for r in sorted(u.role_names) if r in Role._value2member_map_]
    return UserRow(u.username, u.display_name, u.email or "", role_labels, u.office.code if u.office else "",
                   u.organization.name, u.last_login_at, _user_status(u))


USER_COLUMNS = [
    Column("username", "Username"),
    Column("name", "Name"),
    Column("roles", "Roles"),
    Column("office", "Office"),
    Column("organization", "Organization"),
    Column("last_login_at", "Last login"),
    Column("status", "Status"),
]
USER_SORT = {
    "username": lambda r: r.username,
    "name": lambda r: r.name,
    "roles": lambda r: ", ".join(r.roles),
    "office": lambda r: r.office or None,
    "organization": lambda r: r.organization,
    "last_login_at": lambda r: as_utc(r.last_login_at) if r.last_login_at else None,
    "status": lambda r: r.status,
}


def _matches(row: UserRow, f: dict[str, str]) -> bool:
    q = f.get("q", "").casefold()
    if q and not any(q in v.casefold() for v in (row.username, row.name, row.email, row.organization)):
        return False
    if f.get("role") and Role(f["role"]).label not in row.roles:
        return False
    if f.get("office") and row.office != f["office"]:
        return False
    return not (f.get("status") and row.status != f["status"])


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, ctx: PageContext = Depends(page)) -> HTMLResponse:
    ctx.require(*USER_READERS)
    table = Table.from_request("users", "/admin/users", request.query_params, USER_COLUMNS, "username",
                               filter_keys=("q", "role", "office", "status"), empty="No users match these filters.",
                               caption="Users")
    if table.filters["role"] not in Role._value2member_map_:
        table.filters["role"] = ""
    rows = [_user_row(u) for u in service.list_users(ctx.session, ctx.viewer)]
    table.from_list([r for r in rows if _matches(r, table.filters)], USER_SORT)
    return render(request, "identity/users.html", title="Users", table=table,
                  role_options=_role_options(), office_options=_office_options(ctx.session, active_only=False),
                  can_manage=ctx.viewer.has_role(Role.ADMIN), marking=Classification.FOR_OFFICIAL_USE_ONLY)


def _role_options() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Role if r != Role.PUBLIC]


def _office_options(session: Session, active_only: bool = True) -> list[tuple[str, str]]:
    return [(o.code, f"{o.code} — {o.name}") for o in service.list_offices(session) if o.active or not active_only]


def _new_user_page(ctx: PageContext, status_code: int = 200, form: dict[str, object] | None = None,
                   error: str = "") -> HTMLResponse:
    values: dict[str, object] = {"username": "", "display_name": "", "email": "", "roles": [], "office_code": ""}
    values.update(form or {})
    return render(ctx.request, "identity/user_new.html", status_code=status_code, title="Add a user",
                  form=values, error=error, role_options=[(v, label, "") for v, label in _role_options()],
                  office_options=_office_options(ctx.session), min_password=MIN_PASSWORD)


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_form(ctx: PageContext = Depends(page)) -> HTMLResponse:
    ctx.require(Role.ADMIN)
    return _new_user_page(ctx)


@router.post("/admin/users/new", response_class=HTMLResponse)
def create_user(
    ctx: PageContext = Depends(page),
    username: str = Form(""),
    display_name: str = Form(""),
    email: str = Form(""),
    password: str = Form(""),
    roles: list[str] = Form(default=[]),
    office_code: str = Form(""),
) -> Response:
    ctx.require(Role.ADMIN)
    form: dict[str, object] = {"username": username, "display_name": display_name, "email": email,
                               "roles": roles, "office_code": office_code}
    if len(password) < MIN_PASSWORD:
        return _new_user_page(ctx, 422, form, f"A password needs at least {MIN_PASSWORD} characters.")
    try:
        user = service.create_user(
            ctx.session, ctx.viewer, username=username, password=password, roles=service.parse_roles(roles),
            office_code=office_code or None, display_name=display_name.strip(), email=email.strip() or None,
        )
    except (InvalidInput, Conflict, NotFound) as exc:
        return _new_user_page(ctx, 422, form, _sentence(exc.detail))
    return redirect(f"/admin/users?q={user.username}", f"User {user.username} is created.")


@router.post("/admin/users/{username}/unlock")
def unlock_user(username: str, ctx: PageContext = Depends(page), back: str = Form("/admin/users")) -> Response:
    ctx.require(Role.ADMIN)
    user = service.unlock_user(ctx.session, ctx.viewer, username)
    return redirect(safe_next(back, "/admin/users"), f"User {user.username} is unlocked and may log in again.")


# Offices -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeRow:
    code: str
    name: str
    kind: str
    kind_label: str
    location: str
    covers: list[str]
    active: bool


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or getattr(country, "name", code))


def _covers(o: Office) -> list[str]:
    if o.kind == "hq_triage":
        return ["Anything no field or attaché office covers, and reports with no usable location"]
    if o.kind == "attache_office":
        return [_country_name(c) for c in json.loads(o.countries or "[]")]
    out = []
    for area in json.loads(o.aor or "[]"):
        counties = area.get("counties") or []
        out.append(f"{area['state']} ({len(counties)} counties)" if counties else area["state"])
    return out


def _office_row(o: Office) -> OfficeRow:
    place = ", ".join(p for p in (o.city, o.state or (_country_name(o.country) if o.country else None)) if p)
    return OfficeRow(o.code, o.name, o.kind, KIND_LABELS.get(o.kind, o.kind), place, _covers(o), o.active)


OFFICE_COLUMNS = [
    Column("code", "Code"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("location", "Location"),
    Column("covers", "Covers", sortable=False),
    Column("active", "Status"),
]
OFFICE_SORT = {
    "code": lambda r: r.code,
    "name": lambda r: r.name,
    "kind": lambda r: r.kind_label,
    "location": lambda r: r.location,
    "active": lambda r: not r.active,
}


@router.get("/admin/offices", response_class=HTMLResponse)
def offices(request: Request, ctx: PageContext = Depends(page)) -> HTMLResponse:
    ctx.require(*AGENCY_ROLES)
    table = Table.from_request("offices", "/admin/offices", request.query_params, OFFICE_COLUMNS, "code",
                               filter_keys=("q", "kind"), per_page=50, empty="No offices match these filters.",
                               caption="Offices")
    rows = [_office_row(o) for o in service.list_offices(ctx.session)]
    q, kind = table.filters["q"].casefold(), table.filters["kind"]
    rows = [
        r for r in rows
        if (not kind or r.kind == kind)
        and (not q or q in f"{r.code} {r.name} {r.location} {' '.join(r.covers)}".casefold())
    ]
    table.from_list(rows, OFFICE_SORT)
    return render(request, "identity/offices.html", title="Offices", table=table, kinds=KIND_LABELS,
                  can_manage=ctx.viewer.has_role(Role.ADMIN))


@router.post("/admin/offices/reload")
def reload_offices(ctx: PageContext = Depends(page)) -> Response:
    ctx.require(Role.ADMIN)
    created, updated = service.load_offices(ctx.session, ctx.viewer)
    total = len(service.list_offices(ctx.session))
    return redirect("/admin/offices",
                    f"Offices reloaded from the data file: {created} added, {updated} changed, {total} in all.")


# Dashboard ---------------------------------------------------------------------------------------


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    cards = []
    active_tokens = sum(1 for t in service.list_tokens(session, viewer) if _token_row(t).status == "active")
    cards.append(DashboardCard("My API tokens", active_tokens, "/account/tokens",
                               "active" if active_tokens else "none active", order=90))
    if viewer.has_role(*USER_READERS):
        users = service.list_users(session, viewer)
        locked = sum(1 for u in users if _user_status(u) == "locked")
        cards.append(DashboardCard("Users", len(users), "/admin/users",
                                   f"{locked} locked" if locked else "none locked", order=10))
    if viewer.has_role(*AGENCY_ROLES):
        active = [o for o in service.list_offices(session) if o.active]
        field = sum(1 for o in active if o.kind == "field_office")
        attache = sum(1 for o in active if o.kind == "attache_office")
        cards.append(DashboardCard("Offices", len(active), "/admin/offices",
                                   f"{field} field, {attache} attaché", order=20))
    return cards
