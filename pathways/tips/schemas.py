"""API shapes for tips (the intake record itself is the partner-feed JSON, docs/tips.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class TipOut(BaseModel):
    id: str
    number: str
    source: str
    external_id: str
    channel: str
    received_at: datetime
    category: str
    category_reason: str
    narrative: str
    location: dict[str, Any]
    office_code: str
    routing_reason: str
    routing_flag: str
    priority: str
    priority_score: int
    priority_reasons: list[str]
    bundle_id: str
    bundle_reason: str
    marking: str


class SubmittedOut(BaseModel):
    created: bool = Field(description="false when this source already sent this external_id")
    tip: TipOut


class RejectOut(BaseModel):
    line: int
    external_id: str
    reason: str


class BatchOut(BaseModel):
    received: int
    created: int
    unchanged: int
    rejected: int
    bundles_created: int
    rejects: list[RejectOut]
    tip_ids: dict[str, str]


class BundleOut(BaseModel):
    id: str
    number: str
    category: str
    report_count: int
    first_at: datetime
    last_at: datetime
    office_code: str
    priority: str
    priority_score: int
    priority_reasons: list[str]
    referral_id: str | None
    referral_status: str | None
    tips: list[str] = Field(description="tip numbers, oldest first (up to 500)")


class ReferralOut(BaseModel):
    id: str
    bundle_id: str
    office_code: str
    status: str
    priority: str
    sent_at: datetime
    due_at: datetime
    breached: bool
    decline_reason: str
    disposition: str


class DeclineIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class SplitIn(BaseModel):
    reason: str = Field(min_length=1, max_length=400)


class RerouteIn(BaseModel):
    office_code: str = Field(min_length=1, max_length=40)
    reason: str = Field("", max_length=500)


class DisposeIn(BaseModel):
    disposition: str = Field(description="lead_opened, no_action, referred_other_agency or duplicate")
    note: str = Field("", max_length=500)


class QuestionIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
