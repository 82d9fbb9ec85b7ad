"""What a page handler needs: the unit of work, the viewer, the header line about them, role checks."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pathways.api.deps import db
from pathways.core.errors import NotAuthenticated
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.identity.models import User


@dataclass(frozen=True)
class Who:
    """The header line: who is signed in, as what, where."""

    name: str
    username: str
    roles: list[str]
    office: str
    organization: str


@dataclass
class PageContext:
    request: Request
    session: Session
    viewer: Viewer

    def require_user(self) -> Viewer:
        """Anonymous visitors are sent to the login page (the error handler redirects)."""
        if self.viewer.is_anonymous:
            raise NotAuthenticated("log in to see this page")
        return self.viewer

    def require(self, *roles: Role) -> Viewer:
        """Signed in and holding one of ``roles``; otherwise the 403 page."""
        self.require_user()
        identity.require_role(self.viewer, *roles)
        return self.viewer


def who_for(session: Session, viewer: Viewer) -> Who | None:
    if viewer.user_id is None:
        return None
    user = session.get(User, viewer.user_id)
    if user is None:
        return None
    office = ""
    if user.office is not None:
        office = user.office.name
    return Who(
        name=user.display_name or user.username,
        username=user.username,
        roles=[r.label for r in sorted(viewer.roles, key=lambda r: list(Role).index(r))],
        office=office,
        organization=user.organization.name,
    )


def page(request: Request, session: Session = Depends(db)) -> PageContext:
    """Dependency for page handlers: ``ctx: PageContext = Depends(page)``."""
    viewer: Viewer = request.state.viewer
    web = request.state.web_session
    # Kept as plain values: the ORM objects expire when the unit of work ends, before error pages render.
    request.state.csrf_token = web.csrf_token if web is not None else ""
    request.state.who = who_for(session, viewer)
    return PageContext(request, session, viewer)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: ``/audit?x=1`` yes; ``//evil.example``, ``https://…`` no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target
