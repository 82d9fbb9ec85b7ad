"""API shapes of entities, review pairs and judgements."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class EntitySummaryOut(BaseModel):
    id: str
    kind: str
    names: list[str]
    sources: list[str]
    mentions: int


class MentionOut(BaseModel):
    id: str
    kind: str
    value: str
    source: str
    record_type: str
    record_id: str
    field: str
    why: str | None = Field(None, description="The strongest link that put this mention in the entity, in words")
    probability: float | None = None


class RelationOut(BaseModel):
    kind: str
    outgoing: bool
    entity_id: str | None
    name: str
    records: int


class EventOut(BaseModel):
    kind: str
    other_ids: list[str]
    mentions: int
    detail: str
    at: datetime


class EntityOut(BaseModel):
    id: str
    kind: str
    status: str
    merged_into: str | None
    name: str
    names: list[str]
    identifiers: list[tuple[str, str]]
    mentions: list[MentionOut]
    relations: list[RelationOut]
    history: list[EventOut]


class ReviewPairOut(BaseModel):
    id: str
    kind: str
    probability: float
    match_weight: float
    explanation: str
    left: MentionOut
    right: MentionOut


class JudgementIn(BaseModel):
    verdict: Literal["same", "not_same", "unsure"]
    note: str = Field("", max_length=1000)


class JudgementOut(BaseModel):
    id: str
    mention_l: str
    mention_r: str
    verdict: str
    note: str
    judged_at: datetime
