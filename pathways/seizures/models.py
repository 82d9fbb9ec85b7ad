"""Detentions, seizures, seizure lines, and the parties named on them (for party history).

A seizure *line* is one product type of one brand in a seizure: the unit the annual statistics
count. Parties are kept as written and by a normalized key (``seizures.service.party_key``) in
``seizure_parties``, so the history of a name is one indexed lookup.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.core.clock import utcnow
from pathways.store.base import Base, Marked, Timestamped

# The agency's statistics categories (docs/formats.md, products.csv).
PRODUCT_CATEGORIES = (
    "Wearing Apparel/Accessories", "Watches/Jewelry", "Handbags/Wallets", "Consumer Electronics",
    "Pharmaceuticals/Personal Care", "Footwear", "Optical Media", "Computers/Accessories", "Labels/Tags",
    "Toys", "Consumer Products", "Transportation/Parts",
)
MODES = ("express", "mail", "cargo", "passenger")


class DetentionStatus:
    OPEN = "open"
    RELEASED = "released"
    SEIZED = "seized"
    ALL = (OPEN, RELEASED, SEIZED)


class SeizureSource:
    TARGETING = "targeting"
    MANUAL = "manual"
    IMPORT = "import"
    ALL = (TARGETING, MANUAL, IMPORT)


class Disposition:
    PENDING = "pending"
    FORFEITED = "forfeited"
    DESTROYED = "destroyed"
    DONATED = "donated"
    RELEASED = "released"
    ALL = (PENDING, FORFEITED, DESTROYED, DONATED, RELEASED)


class PartyColumns:
    """The parties of an entry as written on it."""

    importer_name: Mapped[str] = mapped_column(String(300), default="")
    importer_address: Mapped[str] = mapped_column(String(600), default="")
    importer_country: Mapped[str] = mapped_column(String(2), default="")
    shipper_name: Mapped[str] = mapped_column(String(300), default="")
    shipper_address: Mapped[str] = mapped_column(String(600), default="")
    shipper_country: Mapped[str] = mapped_column(String(2), default="")
    consignee_name: Mapped[str] = mapped_column(String(300), default="")
    consignee_address: Mapped[str] = mapped_column(String(600), default="")


class Detention(Timestamped, PartyColumns, Marked, Base):
    """Goods held for a confusingly similar mark: the importer is notified within 5 business days
    and has 30 days to resolve before the goods are released or seized."""

    __tablename__ = "detentions"

    detention_number: Mapped[str] = mapped_column(String(20), unique=True)
    port_code: Mapped[str] = mapped_column(String(10), index=True)
    entry_number: Mapped[str] = mapped_column(String(40), index=True)
    mode: Mapped[str] = mapped_column(String(20), default="")
    line_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)  # the manifest line
    origin_country: Mapped[str] = mapped_column(String(2), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    recordation_numbers: Mapped[str] = mapped_column(String(400), default="")  # |TMK 26-00001|
    detained_on: Mapped[date] = mapped_column(Date, index=True)
    notice_due_on: Mapped[date] = mapped_column(Date)  # 5 business days after detention
    period_ends_on: Mapped[date] = mapped_column(Date, index=True)  # 30 days after detention
    notice_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True, default=DetentionStatus.OPEN)
    seizure_id: Mapped[str | None] = mapped_column(ForeignKey("seizures.id"), default=None)
    officer_user_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Seizure(Timestamped, PartyColumns, Marked, Base):
    __tablename__ = "seizures"
    __audit_batch_column__ = "load_id"  # bulk imports (seizures.importer) write one audited load event

    seizure_number: Mapped[str] = mapped_column(String(20), unique=True)  # SZ 26-000123
    port_code: Mapped[str] = mapped_column(String(10), index=True)
    seized_on: Mapped[date] = mapped_column(Date, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    mode: Mapped[str] = mapped_column(String(20), index=True)
    entry_number: Mapped[str] = mapped_column(String(40), index=True)
    line_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    origin_country: Mapped[str] = mapped_column(String(2), index=True, default="")
    source: Mapped[str] = mapped_column(String(20), default=SeizureSource.MANUAL)
    external_number: Mapped[str | None] = mapped_column(String(40), default=None)  # an imported record's own number
    disposition: Mapped[str] = mapped_column(String(20), index=True, default=Disposition.PENDING)
    disposition_on: Mapped[date | None] = mapped_column(Date, default=None)
    detention_id: Mapped[str | None] = mapped_column(String(36), default=None)
    officer_user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    lines: Mapped[list[SeizureLine]] = relationship(back_populates="seizure", order_by="SeizureLine.position",
                                                    cascade="all, delete-orphan")

    @property
    def msrp_total_usd(self) -> Decimal:
        return sum((ln.msrp_total_usd for ln in self.lines), Decimal("0"))


class SeizureLine(Base):
    """One product type of one brand in a seizure."""

    __tablename__ = "seizure_lines"
    __audit_batch_column__ = "load_id"

    seizure_id: Mapped[str] = mapped_column(ForeignKey("seizures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_category: Mapped[str] = mapped_column(String(60), index=True)
    recordation_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    record_number: Mapped[str] = mapped_column(String(20), default="")  # the recordation's, e.g. TMK 26-00001
    registration_number: Mapped[str] = mapped_column(String(60), default="")
    mark: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    msrp_unit_usd: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    msrp_total_usd: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    domestic_value_usd: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    seizure: Mapped[Seizure] = relationship(back_populates="lines")

    __table_args__ = (UniqueConstraint("seizure_id", "position", name="seizure_position"),)


class SeizureParty(Base):
    """A party named on a detention or seizure, by role and normalized key: what party history reads."""

    __tablename__ = "seizure_parties"
    __audit_batch_column__ = "load_id"

    record_type: Mapped[str] = mapped_column(String(20))  # detention | seizure
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(30))  # importer | shipper | consignee | *_address
    value: Mapped[str] = mapped_column(String(600))
    normalized: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    load_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    __table_args__ = (Index("ix_seizure_parties_normalized", "normalized"),)
