"""API shapes for the audit log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    actor_user_id: str | None
    action: str
    object_type: str
    object_id: str | None
    origin: str
    detail: str
    hash: str


class ChainOut(BaseModel):
    intact: bool
    checked: int
    broken_seq: int | None
    reason: str
