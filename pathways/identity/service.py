"""Identity operations: organizations, offices, users, logins with lockout, web sessions and API tokens."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, is_dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import AccountLocked, Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from pathways.core.policy import (
    ROLE_CAVEATS,
    ROLE_CLEARANCE,
    Classification,
    OrgKind,
    Role,
    Viewer,
    system_viewer,
)
from pathways.core.settings import get_settings
from pathways.identity.models import ApiToken, Office, Organization, User, WebSession
from pathways.identity.passwords import hash_password, verify_password
from pathways.identity.scopes import parse_scopes
from pathways.store.audit import bind_viewer, record_event
from pathways.store.base import decode_tokens, encode_tokens
from pathways.store.policy import check_compartments

AGENCY_NAME = "Border Investigations Agency"
TOKEN_PREFIX = "pw_"
# A token's last use is kept to the minute: saving it on every request made every API call a write
# (on SQLite the database's write lock, on PostgreSQL the token's row lock, once per request).
TOKEN_USE_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Organizations -----------------------------------------------------------------------------------


def agency(session: Session) -> Organization:
    """The agency that runs this installation (created on first use)."""
    org = session.execute(
        select(Organization).where(Organization.kind == OrgKind.AGENCY.value).order_by(Organization.created_at)
    ).scalars().first()
    if org is None:
        org = Organization(name=AGENCY_NAME, kind=OrgKind.AGENCY.value, country="US")
        session.add(org)
        session.flush()
    return org


_AGENCY_IDS: dict[str, str] = {}  # database URL -> the agency's id, which never changes once made


def agency_id(session: Session) -> str | None:
    url = str(session.get_bind().engine.url)
    found = _AGENCY_IDS.get(url)
    if found is None:
        found = session.execute(
            select(Organization.id).where(Organization.kind == OrgKind.AGENCY.value).order_by(Organization.created_at)
        ).scalars().first()
        if found is not None:
            _AGENCY_IDS[url] = found
    return found


def operator_viewer(origin: str = "cli") -> Viewer:
    """The operator at the command line, acting as an administrator of the agency."""
    from pathways.store.session import unit_of_work

    with unit_of_work(system_viewer(origin)) as session:
        return system_viewer(origin, agency(session).id)


def get_or_create_org(session: Session, name: str, kind: OrgKind, country: str | None = None) -> Organization:
    org = session.execute(select(Organization).where(Organization.name == name)).scalar_one_or_none()
    if org is None:
        org = Organization(name=name, kind=kind.value, country=country)
        session.add(org)
        session.flush()
    elif org.kind != kind.value:
        raise Conflict(f"organization {name!r} exists as {org.kind}, not {kind.value}")
    return org


# Viewers -----------------------------------------------------------------------------------------


def viewer_for(session: Session, user: User, origin: str, scopes: frozenset[str] | None = None) -> Viewer:
    """What a user may see and do: the roles' defaults, the user's own grants, and a token's scopes."""
    roles = frozenset(Role(r) for r in user.role_names if r in Role._value2member_map_)
    clearance = (
        Classification(user.clearance)
        if user.clearance is not None
        else max((ROLE_CLEARANCE[r] for r in roles), default=Classification.UNCLASSIFIED)
    )
    caveats = decode_tokens(user.caveats).union(*(ROLE_CAVEATS.get(r, frozenset()) for r in roles))
    return Viewer(
        user_id=user.id,
        username=user.username,
        org_id=user.org_id,
        org_kind=OrgKind(user.organization.kind),
        office_id=user.office_id,
        roles=roles,
        clearance=clearance,
        caveats=frozenset(caveats),
        compartments=decode_tokens(user.compartments),
        origin=origin,
        scopes=scopes,
        agency_org_id=agency_id(session),
    )


def require_role(viewer: Viewer, *roles: Role) -> None:
    if not viewer.has_role(*roles):
        wanted = " or ".join(r.label.lower() for r in roles)
        raise Forbidden(f"this needs the role {wanted}")


# Users -------------------------------------------------------------------------------------------


def parse_roles(names: list[str] | str) -> frozenset[Role]:
    items = names.replace(",", " ").split() if isinstance(names, str) else names
    try:
        roles = frozenset(Role(n.strip().lower().replace(" ", "_").replace("-", "_")) for n in items if n.strip())
    except ValueError as exc:
        raise InvalidInput(f"{exc}; roles are {', '.join(r.value for r in Role)}") from None
    if not roles:
        raise InvalidInput("a user needs at least one role")
    return roles


def create_user(
    session: Session,
    viewer: Viewer,
    *,
    username: str,
    password: str,
    roles: frozenset[Role],
    org: Organization | None = None,
    office_code: str | None = None,
    display_name: str = "",
    email: str | None = None,
    compartments: frozenset[str] = frozenset(),
) -> User:
    require_role(viewer, Role.ADMIN)
    username = username.strip().lower()
    if not username or len(username) > 120 or any(c.isspace() for c in username):
        raise InvalidInput("a username is 1 to 120 characters without spaces")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"user {username!r} already exists")
    if Role.PUBLIC in roles:
        raise InvalidInput("the public role is for anonymous visitors, not accounts")
    org = org or agency(session)
    office = None
    if office_code:
        office = session.execute(select(Office).where(Office.code == office_code)).scalar_one_or_none()
        if office is None:
            raise NotFound(f"office {office_code!r} not found")
    check_compartments(session, compartments)
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        org_id=org.id,
        office_id=office.id if office else None,
        roles=encode_tokens({r.value for r in roles}),
        compartments=encode_tokens(compartments),
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, viewer: Viewer) -> list[User]:
    require_role(viewer, Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR)
    return list(session.execute(select(User).order_by(User.username)).scalars())


def user_by_name(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()


def authenticate(session: Session, username: str, password: str, origin: str) -> User:
    """Check a password; lock the account after repeated failures. Every attempt is audited."""
    settings = get_settings()
    user = user_by_name(session, username)
    now = utcnow()
    if user is not None and user.locked_until is not None and as_utc(user.locked_until) > now:
        record_event(session, "login_refused", "users", user.id, reason="locked")
        session.commit()  # the refusal is kept even though the caller's unit of work will roll back
        raise AccountLocked("this account is locked after repeated failed logins; try again later")
    if user is None or not user.active or not verify_password(user.password_hash if user else None, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.lockout_threshold:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
                record_event(session, "lockout", "users", user.id)
        record_event(session, "login_failed", "users", user.id if user else None, username=username[:120])
        session.commit()  # the failure counts toward lockout even though the caller rolls back
        raise NotAuthenticated("wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    bind_viewer(session, viewer_for(session, user, origin))
    record_event(session, "login", "users", user.id)
    return user


def unlock_user(session: Session, viewer: Viewer, username: str) -> User:
    require_role(viewer, Role.ADMIN)
    user = user_by_name(session, username)
    if user is None:
        raise NotFound(f"user {username!r} not found")
    user.locked_until = None
    user.failed_logins = 0
    return user


# Web sessions ------------------------------------------------------------------------------------


def start_web_session(session: Session, user: User, origin: str) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    web = WebSession(
        user_id=user.id,
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        origin=origin[:100],
        expires_at=utcnow() + timedelta(hours=get_settings().session_hours),
    )
    session.add(web)
    session.flush()
    return token, web


def web_session_user(session: Session, token: str | None) -> tuple[User, WebSession] | None:
    if not token:
        return None
    web = session.execute(select(WebSession).where(WebSession.token_hash == _digest(token))).scalar_one_or_none()
    if web is None or as_utc(web.expires_at) <= utcnow():
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active:
        return None
    return user, web


def end_web_session(session: Session, token: str | None) -> None:
    if not token:
        return
    web = session.execute(select(WebSession).where(WebSession.token_hash == _digest(token))).scalar_one_or_none()
    if web is not None:
        session.delete(web)


# API tokens --------------------------------------------------------------------------------------


def create_token(
    session: Session, viewer: Viewer, name: str, scopes: str | list[str], expires_days: int | None = None
) -> tuple[str, ApiToken]:
    """A new token for the viewer's own account; the plaintext is returned once and never stored."""
    if viewer.user_id is None:
        raise Forbidden("tokens belong to a user account")
    try:
        wanted = parse_scopes(scopes)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if "admin" in wanted and not viewer.has_role(Role.ADMIN):
        raise Forbidden("only administrators may hold the admin scope")
    if "audit" in wanted and not viewer.has_role(Role.AUDITOR, Role.ADMIN):
        raise Forbidden("only auditors may hold the audit scope")
    if not name.strip():
        raise InvalidInput("a token needs a name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=viewer.user_id,
        name=name.strip()[:120],
        prefix=secret[:10],
        token_hash=_digest(secret),
        scopes=encode_tokens(wanted),
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    return secret, token


def list_tokens(session: Session, viewer: Viewer) -> list[ApiToken]:
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == viewer.user_id).order_by(ApiToken.created_at.desc())
        ).scalars()
    )


def revoke_token(session: Session, viewer: Viewer, token_id_or_prefix: str) -> ApiToken:
    """Revoke one of the viewer's tokens (administrators may revoke anyone's)."""
    token = session.execute(
        select(ApiToken).where(
            (ApiToken.id == token_id_or_prefix) | (ApiToken.prefix == token_id_or_prefix[:10])
        )
    ).scalars().first()
    if token is None or (token.user_id != viewer.user_id and not viewer.has_role(Role.ADMIN)):
        raise NotFound(f"token {token_id_or_prefix!r} not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def find_token(session: Session, secret: str) -> tuple[ApiToken, User] | None:
    """A live token and its active user; reads only."""
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == _digest(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and as_utc(token.expires_at) <= utcnow():
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    return token, user


def token_use_due(token: ApiToken) -> bool:
    """Whether the token's last use, kept to TOKEN_USE_PRECISION, needs saving now."""
    return token.last_used_at is None or utcnow() - as_utc(token.last_used_at) >= TOKEN_USE_PRECISION


def note_token_use(session: Session, token_id: str) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()


def token_user(session: Session, secret: str) -> tuple[User, frozenset[str]] | None:
    """The token's user and scopes; its last use is saved when due (``token_use_due``)."""
    found = find_token(session, secret)
    if found is None:
        return None
    token, user = found
    if token_use_due(token):
        token.last_used_at = utcnow()
    return user, decode_tokens(token.scopes)


# Offices -----------------------------------------------------------------------------------------


def _spec_dict(spec: Any) -> dict[str, Any]:
    if is_dataclass(spec) and not isinstance(spec, type):
        return asdict(spec)
    if hasattr(spec, "model_dump"):
        return dict(spec.model_dump())
    return dict(spec)


def load_offices(session: Session, viewer: Viewer, path: Path | None = None) -> tuple[int, int]:
    """Load or refresh offices from the data file; returns (created, updated). Offices gone from the
    file are kept but marked inactive, so records that point to them stay readable."""
    from pathways.identity.offices_file import load_offices as read_offices_file

    require_role(viewer, Role.ADMIN)
    try:
        specs = read_offices_file(path or get_settings().offices_file)
    except ValueError as exc:
        raise InvalidInput(f"offices file: {exc}") from None
    org = agency(session)
    existing = {o.code: o for o in session.execute(select(Office)).scalars()}
    created = updated = 0
    seen = set()
    for spec in specs:
        data = _spec_dict(spec)
        code = data["code"]
        seen.add(code)
        values = {
            "name": data["name"],
            "kind": data["kind"],
            "city": data.get("city"),
            "state": data.get("state"),
            "country": data.get("country"),
            "aor": json.dumps(data.get("aor") or [], sort_keys=True),
            "countries": json.dumps(sorted(data.get("countries") or [])),
            "active": True,
        }
        office = existing.get(code)
        if office is None:
            session.add(Office(code=code, org_id=org.id, **values))
            created += 1
        else:
            changed = False
            for key, value in values.items():
                if getattr(office, key) != value:
                    setattr(office, key, value)
                    changed = True
            updated += changed
    for code, office in existing.items():
        if code not in seen and office.active:
            office.active = False
            updated += 1
    session.flush()
    return created, updated


def list_offices(session: Session, kind: str | None = None) -> list[Office]:
    stmt = select(Office).order_by(Office.kind, Office.code)
    if kind:
        stmt = stmt.where(Office.kind == kind)
    return list(session.execute(stmt).scalars())


def count_users(session: Session) -> int:
    return int(session.execute(select(func.count(User.id))).scalar_one())
