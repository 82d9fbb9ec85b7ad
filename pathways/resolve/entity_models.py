"""Entities and the resolver's records: runs, merge and split history, the review queue, judgements, keys.

An entity is a cluster of party mentions (``mentions.entity_id``). It carries no name of its own: a
viewer sees an entity through the mentions it may see, so an entity never leaks a restricted record's
name. Rows a resolution run writes share its ``run_id`` and are audited once per run.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.store.base import Base


class EntityStatus(enum.StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # its mentions joined another entity; ``merged_into`` says which
    RETIRED = "retired"  # its mentions are gone (or all moved elsewhere by a split)


class EventKind(enum.StrEnum):
    CREATED = "created"
    MERGED = "merged"  # other entities joined this one
    MERGED_INTO = "merged_into"  # this entity joined another
    SPLIT = "split"  # some of this entity's mentions left for new entities
    SPLIT_FROM = "split_from"  # this entity was made from part of another
    RETIRED = "retired"


class Verdict(enum.StrEnum):
    SAME = "same"
    NOT_SAME = "not_same"
    UNSURE = "unsure"


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    JUDGED = "judged"
    STALE = "stale"  # a later run no longer scores the pair in the review band


class ResolutionRun(Base):
    __tablename__ = "resolution_runs"

    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    engine: Mapped[str] = mapped_column(String(20), default="duckdb")
    trained: Mapped[bool] = mapped_column(default=True)
    records: Mapped[int] = mapped_column(Integer, default=0)
    pairs: Mapped[int] = mapped_column(Integer, default=0)
    entities: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    merges: Mapped[int] = mapped_column(Integer, default=0)
    splits: Mapped[int] = mapped_column(Integer, default=0)
    review_pairs: Mapped[int] = mapped_column(Integer, default=0)
    models: Mapped[str] = mapped_column(Text, default="")  # trained Splink settings per kind, JSON
    stats: Mapped[str] = mapped_column(Text, default="")  # JSON
    user_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Entity(Base):
    __tablename__ = "entities"
    __audit_batch_column__ = "run_id"

    kind: Mapped[str] = mapped_column(String(20), index=True)  # person | organization
    status: Mapped[str] = mapped_column(String(12), index=True, default=EntityStatus.ACTIVE)
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)  # the run that last changed it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntityEvent(Base):
    """One line of an entity's history: created, merged, split, retired (``other_ids`` as |a|b|)."""

    __tablename__ = "entity_events"
    __audit_batch_column__ = "run_id"

    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    other_ids: Mapped[str] = mapped_column(Text, default="")
    mentions: Mapped[int] = mapped_column(Integer, default=0)  # how many mentions moved
    detail: Mapped[str] = mapped_column(String(500), default="")
    run_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewPair(Base):
    """Two party mentions the model is unsure about, for an analyst to judge (``mention_l < mention_r``)."""

    __tablename__ = "review_pairs"
    __audit_batch_column__ = "run_id"

    mention_l: Mapped[str] = mapped_column(String(36))
    mention_r: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), index=True, default=ReviewStatus.OPEN)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("mention_l", "mention_r", name="uq_review_pairs_pair"),
        Index("ix_review_pairs_status_probability", "status", "probability"),
    )


class Judgement(Base):
    """An analyst's verdict on a pair of mentions; the latest per pair beats the model on every run."""

    __tablename__ = "judgements"

    mention_l: Mapped[str] = mapped_column(String(36))
    mention_r: Mapped[str] = mapped_column(String(36))
    verdict: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(1000), default="")
    probability: Mapped[float | None] = mapped_column(Float, default=None)  # the model's, when judged
    user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    judged_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_judgements_pair", "mention_l", "mention_r"),)


class EntityKey(Base):
    """Blocking keys of every resolved party mention: how a new record finds its candidates online."""

    __tablename__ = "entity_keys"
    __audit_batch_column__ = "run_id"

    key: Mapped[str] = mapped_column(String(300), index=True)
    mention_id: Mapped[str] = mapped_column(String(36), index=True)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)


class EntityMatch(Base):
    """Why a mention is in its entity: its strongest scored link to another member, with the explanation."""

    __tablename__ = "entity_matches"
    __audit_batch_column__ = "run_id"

    mention_id: Mapped[str] = mapped_column(String(36), index=True)
    other_mention_id: Mapped[str] = mapped_column(String(36))
    probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")
    judged: Mapped[bool] = mapped_column(default=False)  # joined by an analyst's "same"
    run_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
