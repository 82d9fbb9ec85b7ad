"""Organizations, offices, users, web sessions and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.core.clock import utcnow
from pathways.store.base import Base, Timestamped, decode_tokens

QUIET = {"audit": False}  # bookkeeping columns whose changes alone are not worth an audit event


class Organization(Timestamped, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # core.policy.OrgKind
    country: Mapped[str | None] = mapped_column(String(2))


class Office(Timestamped, Base):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)  # field_office | attache_office | hq_triage
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    city: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(2))
    country: Mapped[str | None] = mapped_column(String(2))
    aor: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{"state": "TX", "counties": [...]}]
    countries: Mapped[str] = mapped_column(Text, default="[]")  # JSON: ["MX", "BZ"]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Timestamped, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200), info={"secret": True})
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    office_id: Mapped[str | None] = mapped_column(ForeignKey("offices.id"))
    roles: Mapped[str] = mapped_column(String(400), default="")
    clearance: Mapped[int | None] = mapped_column(Integer)  # overrides the roles' clearance when set
    caveats: Mapped[str] = mapped_column(String(400), default="")
    compartments: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None, info=QUIET)

    organization: Mapped[Organization] = relationship(lazy="joined")
    office: Mapped[Office | None] = relationship(lazy="joined")

    @property
    def role_names(self) -> frozenset[str]:
        return decode_tokens(self.roles)


class WebSession(Base):
    """A browser login: the cookie holds a random token, the table only its hash."""

    __tablename__ = "web_sessions"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info={"secret": True})
    csrf_token: Mapped[str] = mapped_column(String(64), info={"secret": True})
    origin: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class ApiToken(Base):
    """A bearer token a user made for scripts; shown once, stored hashed, limited by scopes."""

    __tablename__ = "api_tokens"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info={"secret": True})
    scopes: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None, info=QUIET)
