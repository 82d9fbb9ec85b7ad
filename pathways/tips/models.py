"""Tips, their tipsters (caveated apart), bundles, the dedup key index, referrals, attachments, messages.

Tables written by the bulk importer carry ``load_id`` (``__audit_batch_column__``): their rows are
covered by the one ``load`` audit event of their import; rows written online are audited one by one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.store.base import Base, Marked


class TipBundle(Marked, Base):
    """Tips that report the same event. Every member stays a tip of its own; the bundle only groups."""

    __tablename__ = "tip_bundles"
    __audit_batch_column__ = "load_id"

    number: Mapped[str] = mapped_column(String(24), unique=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    priority: Mapped[str] = mapped_column(String(12), index=True)  # critical | high | normal
    priority_score: Mapped[int] = mapped_column(Integer, default=0)
    priority_reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of words
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tip(Marked, Base):
    __tablename__ = "tips"
    __audit_batch_column__ = "load_id"

    number: Mapped[str] = mapped_column(String(24), unique=True)  # TIP 26-0000001
    source: Mapped[str] = mapped_column(String(80))  # public_form, operator, a partner feed's name
    external_id: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    category_reason: Mapped[str] = mapped_column(String(400), default="")  # "given", or the classifier's words
    narrative: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text, default="{}")  # JSON as received
    subjects: Mapped[str] = mapped_column(Text, default="[]")  # JSON as received
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    routing_reason: Mapped[str] = mapped_column(String(300), default="")
    routing_flag: Mapped[str] = mapped_column(String(120), default="")  # e.g. "state only; split state"
    priority: Mapped[str] = mapped_column(String(12), index=True)
    priority_score: Mapped[int] = mapped_column(Integer, default=0)
    priority_reasons: Mapped[str] = mapped_column(Text, default="[]")
    bundle_id: Mapped[str] = mapped_column(ForeignKey("tip_bundles.id"), index=True)
    bundle_reason: Mapped[str] = mapped_column(String(300), default="")
    identifiers: Mapped[str] = mapped_column(Text, default="")  # space-separated dedup keys (kind:value)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # MinHash of the narrative
    receipt_code: Mapped[str | None] = mapped_column(String(24), unique=True, default=None)
    passphrase_hash: Mapped[str | None] = mapped_column(String(200), default=None, info={"secret": True})
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_tips_source_external_id"),)


class TipsterIdentity(Marked, Base):
    """Who reported: carries the TIPSTER-IDENTITY caveat, so only the tipline unit ever reads it."""

    __tablename__ = "tipster_identities"
    __audit_batch_column__ = "load_id"

    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)


class TipKey(Base):
    """The dedup index: one row per identifier key and per MinHash band of a tip (LSH in the database).
    ``bundle_id`` is the bundle when the key was written; a tip's bundle now is ``tips.bundle_id``."""

    __tablename__ = "tip_keys"
    __audit_batch_column__ = "load_id"

    key: Mapped[str] = mapped_column(String(160))
    tip_id: Mapped[str] = mapped_column(String(36))
    bundle_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column()
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    __table_args__ = (Index("ix_tip_keys_key_received", "key", "received_at"),)


class Referral(Marked, Base):
    """A bundle sent to the office that must act, with its SLA clock and its outcome."""

    __tablename__ = "tip_referrals"
    __audit_batch_column__ = "load_id"

    bundle_id: Mapped[str] = mapped_column(ForeignKey("tip_bundles.id"), unique=True)
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # sent accepted declined rerouted disposed
    priority: Mapped[str] = mapped_column(String(12))
    sent_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(index=True)
    acted_at: Mapped[datetime | None] = mapped_column(default=None)  # accepted, declined or disposed
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    disposition: Mapped[str] = mapped_column(String(40), default="")
    disposition_note: Mapped[str] = mapped_column(String(500), default="")
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)


class ReferralEvent(Base):
    """The history of a referral: sent, accepted, declined, re-routed, disposed."""

    __tablename__ = "tip_referral_events"
    __audit_batch_column__ = "load_id"

    referral_id: Mapped[str] = mapped_column(ForeignKey("tip_referrals.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    office_code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)


class TipAttachment(Marked, Base):
    """An opaque file: stored by SHA-256 under var/, downloadable by the tipline unit, never rendered."""

    __tablename__ = "tip_attachments"
    __audit_batch_column__ = "load_id"

    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored: Mapped[bool] = mapped_column(Boolean, default=False)  # partner feeds send metadata only
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)


class TipMessage(Marked, Base):
    """A question from the tipline unit to a tipster, or the tipster's answer, through the receipt."""

    __tablename__ = "tip_messages"

    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(12))  # question | answer
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))  # a username, or "tipster"
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TipRateHit(Base):
    """One anonymous submission, keyed by a keyed hash of the client address: all rate-limiting keeps."""

    __tablename__ = "tip_rate_hits"

    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True, default=utcnow)


class TipImport(Base):
    """One bulk import (a file or an API batch): what came in and what became of it."""

    __tablename__ = "tip_imports"

    source: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    load_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TipSequence(Base):
    """Counters behind human numbers (``TIP 26-0000001``, ``BND 26-0000001``), one row per prefix and year."""

    __tablename__ = "tip_sequences"

    name: Mapped[str] = mapped_column(String(20), unique=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
