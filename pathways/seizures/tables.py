"""The seizure module's own tables beyond the records: disclosure notices, detention actions, imports.

``seizures.models`` holds the records screening writes; these are what the statistics, the rights-owner
notices and the bulk import add.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.store.base import Base, Marked


class DetentionAction:
    """What happens during a detention's 30 days, in the agency's words."""

    IMPORTER_NOTIFIED = "importer_notified"
    OWNER_SHOWN_SAMPLES = "owner_shown_samples"
    AUTHORIZATION_SHOWN = "authorization_shown"
    OWNER_CONSENTED = "owner_consented"
    RELEASED = "released"
    SEIZED = "seized"
    LABEL = {
        IMPORTER_NOTIFIED: "Notice sent to the importer",
        OWNER_SHOWN_SAMPLES: "Rights owner shown images or samples",
        AUTHORIZATION_SHOWN: "Importer showed the goods are authorized",
        OWNER_CONSENTED: "Rights owner consented",
        RELEASED: "Released",
        SEIZED: "Seized",
    }
    NOTES = (IMPORTER_NOTIFIED, OWNER_SHOWN_SAMPLES, AUTHORIZATION_SHOWN, OWNER_CONSENTED)


class DetentionEvent(Base):
    """One step of a detention (audited like every ORM write)."""

    __tablename__ = "detention_events"

    detention_id: Mapped[str] = mapped_column(ForeignKey("detentions.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    on_day: Mapped[date] = mapped_column(Date)
    by_user: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeizureNotice(Marked, Base):
    """The disclosure to a rights owner of a seizure of goods bearing its mark.

    Marked as owned by the rights-owner organization and releasable to the agency, like the registry's
    portal notices, so the owner reads it in its portal and the agency keeps it with the seizure."""

    __tablename__ = "seizure_notices"

    notice_number: Mapped[str] = mapped_column(String(20), unique=True)  # SN 26-000001
    seizure_id: Mapped[str] = mapped_column(ForeignKey("seizures.id", ondelete="CASCADE"), index=True)
    recordation_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    record_number: Mapped[str] = mapped_column(String(20), default="")
    mark: Mapped[str] = mapped_column(String(300), default="")
    imported_on: Mapped[date] = mapped_column(Date)
    port_code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    manufacturer: Mapped[str] = mapped_column(String(900), default="")
    exporter: Mapped[str] = mapped_column(String(900), default="")
    importer: Mapped[str] = mapped_column(String(900), default="")
    origin_country: Mapped[str] = mapped_column(String(2), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True, default=utcnow)


class SeizureImport(Base):
    """A seizure-history file applied once, known by its SHA-256 (so a second load changes nothing)."""

    __tablename__ = "seizure_imports"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(400))
    load_id: Mapped[str] = mapped_column(String(36))
    rows: Mapped[int] = mapped_column(Integer)
    seizures: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
