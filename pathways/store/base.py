"""The declarative base every table derives from, and the markings mixin of protected records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.core.ids import new_id
from pathways.core.policy import Classification, Markings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}

    # Tables set this to False only when their rows are the audit trail itself.
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def encode_tokens(tokens: frozenset[str] | set[str] | list[str]) -> str:
    """Sets of tokens are stored as ``|A|B|`` so one LIKE per token filters them in any SQL engine."""
    clean = sorted({t.strip() for t in tokens if t and t.strip()})
    for token in clean:
        if "|" in token:
            raise ValueError(f"marking token may not contain '|': {token!r}")
    return "|" + "|".join(clean) + "|" if clean else ""


def decode_tokens(text: str | None) -> frozenset[str]:
    return frozenset(t for t in (text or "").split("|") if t)


MARKING_COLUMNS = frozenset(
    {"classification", "caveats", "compartments", "releasable_to", "owner_org_id", "owner_office_id"}
)


class Marked:
    """Columns that carry a record's markings; ``pathways.store.policy`` filters on them."""

    classification: Mapped[int] = mapped_column(
        Integer, default=int(Classification.LAW_ENFORCEMENT_SENSITIVE), index=True
    )
    caveats: Mapped[str] = mapped_column(String(400), default="")
    compartments: Mapped[str] = mapped_column(String(400), default="")
    releasable_to: Mapped[str] = mapped_column(String(2000), default="")
    owner_org_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    owner_office_id: Mapped[str | None] = mapped_column(String(36), default=None)

    @property
    def markings(self) -> Markings:
        return Markings(
            classification=Classification(self.classification),
            caveats=decode_tokens(self.caveats),
            owner_org_id=self.owner_org_id,
            owner_office_id=self.owner_office_id,
            compartments=decode_tokens(self.compartments),
            releasable_to=decode_tokens(self.releasable_to),
        )

    @property
    def protected(self) -> bool:
        """Anything above plain UNCLASSIFIED, or with caveats or compartments: reads are audited and
        the audit trail keeps which fields changed, not their values."""
        return (
            self.classification > int(Classification.UNCLASSIFIED)
            or bool(decode_tokens(self.caveats))
            or bool(decode_tokens(self.compartments))
        )

    def apply_markings(self, m: Markings) -> None:
        self.classification = int(m.classification)
        self.caveats = encode_tokens(m.caveats)
        self.compartments = encode_tokens(m.compartments)
        self.releasable_to = encode_tokens(m.releasable_to)
        self.owner_org_id = m.owner_org_id
        self.owner_office_id = m.owner_office_id
