"""Recordations, the requests rights owners file about them, their products, notices and counters.

Lists that are only ever read with their recordation (classes with goods, authorized
manufacturers and licensees, affiliates, contacts, guide files) are JSON text columns, so a bulk
import writes one row per recordation. Class numbers and countries are also kept as ``|25|18|``
token strings so a filter is one LIKE on either database.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from pathways.store.base import Base, Marked, Timestamped, decode_tokens


class Kind:
    TRADEMARK = "trademark"
    COPYRIGHT = "copyright"
    TRADE_NAME = "trade_name"
    ALL = (TRADEMARK, COPYRIGHT, TRADE_NAME)
    PREFIX = {TRADEMARK: "TMK", COPYRIGHT: "COP", TRADE_NAME: "TN"}
    LABEL = {TRADEMARK: "Trademark", COPYRIGHT: "Copyright", TRADE_NAME: "Trade name"}


class Status:
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    REJECTED = "rejected"
    ALL = (PENDING, ACTIVE, EXPIRED, INACTIVE, REJECTED)
    PUBLIC = (ACTIVE, EXPIRED)  # what public search shows


class RequestKind:
    NEW = "new"
    RENEWAL = "renewal"
    CHANGE_OF_OWNERSHIP = "change_of_ownership"
    ALL = (NEW, RENEWAL, CHANGE_OF_OWNERSHIP)
    LABEL = {NEW: "New recordation", RENEWAL: "Renewal", CHANGE_OF_OWNERSHIP: "Change of ownership"}


class Recordation(Timestamped, Marked, Base):
    __tablename__ = "recordations"

    record_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    registration_number: Mapped[str] = mapped_column(String(60), index=True)
    registration_date: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    mark: Mapped[str] = mapped_column(String(300))  # word mark, title of the work, or trade name
    mark_folded: Mapped[str] = mapped_column(String(300), index=True)
    design_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    design_media_type: Mapped[str | None] = mapped_column(String(40), default=None)
    owner_name: Mapped[str] = mapped_column(String(300), index=True)
    owner_address: Mapped[str] = mapped_column(String(600), default="")
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    classes_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"number": 25, "goods": "..."}]
    class_tokens: Mapped[str] = mapped_column(String(400), default="")  # |25|18|
    places_of_manufacture: Mapped[str] = mapped_column(String(400), default="")  # |CN|VN|
    authorized_json: Mapped[str] = mapped_column(Text, default="[]")  # manufacturers and licensees
    affiliates_json: Mapped[str] = mapped_column(Text, default="[]")  # foreign parents and subsidiaries
    gray_market: Mapped[bool] = mapped_column(Boolean, default=False)
    gray_market_differences: Mapped[str] = mapped_column(Text, default="")
    msrp_usd: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    guide_text: Mapped[str] = mapped_column(Text, default="")
    guide_files_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"name", "sha256", "media_type"}]
    contacts_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"name", "email", "phone"}]
    filed_by_user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    import_digest: Mapped[str | None] = mapped_column(String(64), default=None)  # of the imported row, if any

    __table_args__ = (UniqueConstraint("kind", "registration_number", name="kind_registration"),)

    @staticmethod
    def _load(text: str) -> list[dict[str, Any]]:
        return list(json.loads(text or "[]"))

    @property
    def classes(self) -> list[dict[str, Any]]:
        return self._load(self.classes_json)

    @property
    def class_numbers(self) -> list[int]:
        return sorted(int(c) for c in decode_tokens(self.class_tokens))

    @property
    def authorized(self) -> list[dict[str, Any]]:
        return self._load(self.authorized_json)

    @property
    def affiliates(self) -> list[dict[str, Any]]:
        return self._load(self.affiliates_json)

    @property
    def contacts(self) -> list[dict[str, Any]]:
        return self._load(self.contacts_json)

    @property
    def guide_files(self) -> list[dict[str, Any]]:
        return self._load(self.guide_files_json)

    @property
    def manufacture_countries(self) -> list[str]:
        return sorted(decode_tokens(self.places_of_manufacture))


class RecordationProduct(Timestamped, Base):
    """A product the mark appears on, with its MSRP: what an officer values a seizure line at."""

    __tablename__ = "recordation_products"

    recordation_id: Mapped[str] = mapped_column(ForeignKey("recordations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    msrp_usd: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    hts_code: Mapped[str | None] = mapped_column(String(20), default=None)


class RecordationRequest(Timestamped, Base):
    """What a rights owner filed (a new recordation, a renewal, a change of ownership) and its review."""

    __tablename__ = "recordation_requests"

    recordation_id: Mapped[str] = mapped_column(ForeignKey("recordations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending | approved | rejected
    fee_usd: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    fee_detail: Mapped[str] = mapped_column(String(200), default="")
    payload_json: Mapped[str] = mapped_column(Text, default="{}")  # renewal: new expiry; change: new owner
    org_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    filed_by_user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    decided_by_user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    decided_by: Mapped[str | None] = mapped_column(String(120), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.payload_json or "{}"))


class RegistryNotice(Marked, Base):
    """A message to a rights-owner organization in its portal: a decision, a renewal reminder."""

    __tablename__ = "registry_notices"

    recordation_id: Mapped[str] = mapped_column(ForeignKey("recordations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # approved | rejected | renewal_reminder | expired
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class RecordationImport(Base):
    """One applied bulk-import file: loading the same bytes again is a no-op."""

    __tablename__ = "recordation_imports"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(400))
    rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column()


class RegistryIndexVersion(Base):
    """A counter bumped whenever any recordation changes, so each process knows its search index is stale.

    Not audited: it records nothing but "something changed", and every change that bumps it is
    itself audited.
    """

    __tablename__ = "registry_index_version"
    __audited__ = False

    version: Mapped[int] = mapped_column(Integer, default=0)


INDEX_VERSION_ID = "recordations"


@event.listens_for(Session, "before_flush")
def _bump_index_version(session: Session, _ctx: Any, _instances: Any) -> None:
    touched = any(isinstance(o, Recordation) for o in (*session.new, *session.dirty, *session.deleted))
    if not touched:
        return
    with session.no_autoflush:
        done = session.execute(
            update(RegistryIndexVersion)
            .where(RegistryIndexVersion.id == INDEX_VERSION_ID)
            .values(version=RegistryIndexVersion.version + 1)
        )
        if getattr(done, "rowcount", 1) == 0:
            session.add(RegistryIndexVersion(id=INDEX_VERSION_ID, version=1))
