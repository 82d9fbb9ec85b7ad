"""Mentions and relations: every party or identifier found in a record, and the links a record states.

Each domain module extracts its own and writes them here; resolve owns the tables. A mention keeps
its provenance (source module, record, field) and the record's markings, so an entity page shows
a viewer only the mentions it may see.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.store.base import Base, Marked


class MentionKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"  # bank, crypto wallet
    USERNAME = "username"  # online handle
    URL = "url"
    DOMAIN = "domain"
    IP_ADDRESS = "ip_address"
    VESSEL = "vessel"
    VEHICLE = "vehicle"
    COUNTRY = "country"


class RelationKind(enum.StrEnum):
    SHIPS_TO = "ships_to"  # shipper -> importer, importer -> consignee on one manifest line
    LOCATED_AT = "located_at"  # party -> address
    HAS_IDENTIFIER = "has_identifier"  # party -> phone, e-mail, account, username
    CO_MENTIONED = "co_mentioned"  # two parties in one tip
    CO_SUBJECT = "co_subject"  # two subjects of one case


class Mention(Marked, Base):
    __tablename__ = "mentions"
    # Rows written by a batch load share a load_id, audited once as a "load" event (see
    # pathways.resolve.mentions.bulk_load); rows written online are audited one by one.
    __audit_batch_column__ = "load_id"

    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(500))  # as written in the record
    normalized: Mapped[str] = mapped_column(String(500))  # the comparison key of its kind
    source: Mapped[str] = mapped_column(String(40))  # the module that extracted it
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(60))
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_mentions_kind_normalized", "kind", "normalized"),
        Index("ix_mentions_record", "record_type", "record_id"),
    )


class Relation(Marked, Base):
    __tablename__ = "relations"
    __audit_batch_column__ = "load_id"

    kind: Mapped[str] = mapped_column(String(40))
    source_mention_id: Mapped[str] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    target_mention_id: Mapped[str] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
