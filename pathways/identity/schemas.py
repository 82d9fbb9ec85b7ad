"""API shapes for identity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ViewerOut(BaseModel):
    user_id: str | None
    username: str
    organization_id: str | None
    office_id: str | None
    roles: list[str]
    clearance: str
    caveats: list[str]
    compartments: list[str]
    scopes: list[str] | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[str] = Field(min_length=1, examples=[["read"]])
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The bearer token. Shown once; store it now.")


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=12, max_length=200)
    roles: list[str] = Field(min_length=1)
    office_code: str | None = None
    display_name: str = ""
    email: str | None = None


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    organization: str
    office_code: str | None
    roles: list[str]
    active: bool
    locked: bool


class OfficeOut(BaseModel):
    code: str
    name: str
    kind: str
    city: str | None
    state: str | None
    country: str | None
    states: list[str]
    countries: list[str]
    active: bool
