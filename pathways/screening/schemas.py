"""Screening API shapes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class TargetedLineOut(BaseModel):
    line_id: str
    entry_number: str
    arrival_date: date | None
    port_code: str
    mode: str
    description: str
    origin_country: str
    hts_code: str
    quantity: int
    unit_value_usd: float
    importer_name: str
    shipper_name: str
    consignee_name: str
    score: float
    targeted: bool
    sampled: bool
    recordation_numbers: list[str]
    reasons: list[str]
    status: str
    detention_id: str | None
    seizure_id: str | None


class OutcomeIn(BaseModel):
    outcome: Literal["release", "detain", "seize"]
    note: str = Field("", max_length=2000)
    quantity: int | None = Field(None, ge=1)
    product_category: str | None = None
    recordation_numbers: list[str] | None = None


class RateOut(BaseModel):
    key: str
    label: str
    examined: int
    violations: int
    rate: float


class HitRateOut(BaseModel):
    total: RateOut
    by_rule: list[RateOut]
    by_port: list[RateOut]
