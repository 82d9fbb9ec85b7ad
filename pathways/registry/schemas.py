"""API shapes. ``RecordationPublic`` is the only shape anonymous visitors ever get: public fields by type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

KindName = Literal["trademark", "copyright", "trade_name"]
StatusName = Literal["pending", "active", "expired", "inactive", "rejected"]


class ClassIn(BaseModel):
    number: int = Field(ge=1, le=45, description="International (Nice) class 1-45")
    goods: str = Field(min_length=1, max_length=2000)


class PartyIn(BaseModel):
    """An authorized manufacturer or licensee."""

    name: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2")
    role: Literal["manufacturer", "licensee"] = "manufacturer"
    use: str = Field("", max_length=500, description="The use it may make of the mark")


class AffiliateIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=2, max_length=2)
    relation: Literal["parent", "subsidiary"]


class ContactIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=200)
    phone: str = Field("", max_length=60)


class ProductIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    msrp_usd: Decimal = Field(ge=0, le=10_000_000)
    hts_code: str | None = Field(None, max_length=20)


class RecordationIn(BaseModel):
    """What a rights owner files for a new recordation."""

    kind: KindName
    registration_number: str = Field(min_length=1, max_length=60)
    registration_date: date | None = None
    expires_on: date = Field(description="The registration's own expiry; the recordation follows it")
    mark: str = Field(min_length=1, max_length=300, description="Word mark text, title of the work, or trade name")
    owner_name: str = Field(min_length=1, max_length=300)
    owner_address: str = Field("", max_length=600)
    owner_country: str = Field(min_length=2, max_length=2)
    classes: list[ClassIn] = Field(default_factory=list)
    places_of_manufacture: list[str] = Field(default_factory=list)
    authorized: list[PartyIn] = Field(default_factory=list)
    affiliates: list[AffiliateIn] = Field(default_factory=list)
    gray_market: bool = False
    gray_market_differences: str = Field("", max_length=5000)
    msrp_usd: Decimal | None = Field(None, ge=0, le=10_000_000)
    products: list[ProductIn] = Field(default_factory=list)
    guide_text: str = Field("", max_length=20_000)
    contacts: list[ContactIn] = Field(default_factory=list)


class RenewalIn(BaseModel):
    expires_on: date = Field(description="The renewed registration's new expiry")


class OwnershipIn(BaseModel):
    owner_name: str = Field(min_length=1, max_length=300)
    owner_address: str = Field("", max_length=600)
    owner_country: str = Field(min_length=2, max_length=2)


class DecisionIn(BaseModel):
    approve: bool
    reason: str = Field("", max_length=2000, description="Required when rejecting")


class GuideIn(BaseModel):
    guide_text: str = Field(max_length=20_000)


class FeeQuoteIn(BaseModel):
    request_kind: Literal["new", "renewal", "change_of_ownership"] = "new"
    kind: KindName = "trademark"
    classes: int = Field(1, ge=0, le=45)


class FeeOut(BaseModel):
    amount_usd: Decimal
    currency: Literal["USD"] = "USD"
    detail: str


class ClassOut(BaseModel):
    number: int
    goods: str


class RecordationPublic(BaseModel):
    """The public fields: what anyone may read of an active or expired recordation."""

    id: str
    record_number: str
    kind: KindName
    status: StatusName
    mark: str
    owner_name: str
    owner_country: str
    registration_number: str
    registration_date: date | None
    expires_on: date
    classes: list[ClassOut]
    has_design: bool


class PartyOut(BaseModel):
    name: str
    country: str
    role: str
    use: str


class AffiliateOut(BaseModel):
    name: str
    country: str
    relation: str


class ContactOut(BaseModel):
    name: str
    email: str
    phone: str


class ProductOut(BaseModel):
    id: str
    name: str
    msrp_usd: Decimal
    hts_code: str | None


class GuideFileOut(BaseModel):
    name: str
    sha256: str
    media_type: str


class RecordationFull(RecordationPublic):
    """Every field: for agency staff and the owning rights owner."""

    owner_address: str
    places_of_manufacture: list[str]
    authorized: list[PartyOut]
    affiliates: list[AffiliateOut]
    gray_market: bool
    gray_market_differences: str
    msrp_usd: Decimal | None
    products: list[ProductOut]
    guide_text: str
    guide_files: list[GuideFileOut]
    contacts: list[ContactOut]
    owner_org_id: str | None
    created_at: datetime
    updated_at: datetime


class SearchHitOut(BaseModel):
    score: float | None = Field(None, description="Similarity 0-100 (similar-mark search only)")
    reasons: list[str] = Field(default_factory=list)
    recordation: RecordationFull | RecordationPublic


class SearchOut(BaseModel):
    items: list[SearchHitOut]
    total: int
    limit: int
    offset: int
    similar: bool


class RequestOut(BaseModel):
    id: str
    recordation_id: str
    record_number: str
    mark: str
    kind: str
    status: str
    fee_usd: Decimal
    fee_detail: str
    payload: dict[str, str]
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class FiledOut(BaseModel):
    recordation: RecordationFull
    request: RequestOut


class NoticeOut(BaseModel):
    id: str
    recordation_id: str
    kind: str
    message: str
    created_at: datetime


class ImportOut(BaseModel):
    rows: int
    created: int
    unchanged: int
    rejected: int
    already_imported: bool
    rejects_file: str | None
