"""The normalized comparison columns of party records, computed once per distinct value.

Kind inference (the ``kind`` column may be empty, and screening records every manifest name as an
organization): a legal form or a business word makes an organization; a record with a given name,
family name or date of birth, or a name of two to five words without digits, is a person; a record
with only an address is an address; anything else is an organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import jellyfish
import polars as pl
import pyarrow as pa

from pathways.resolve.normalize import (
    company_key,
    fold,
    looks_like_company,
    normalize_company_name,
    normalize_country,
    normalize_date,
    normalize_email,
    normalize_phone,
    parse_address,
    parse_person_name,
    person_name_key,
)
from pathways.resolve.records import SCHEMA

FEATURE_COLUMNS = ("entity_kind", "name_n", "name_key", "first_n", "middle_n", "last_n", "first_sound", "last_sound",
                   "dob_n", "phone_n",
                   "email_n", "identifier_n", "country_n", "street_n", "house_n", "unit_n", "city_n", "postcode_n")
_PERSONISH = re.compile(r"^[^\d@/&]+$")
# What a record may say besides a name. A record without any of these is a bare name: its identical
# copies in other records need not be the same party (see ``linkage._representatives``).
BESIDES_NAME = ("dob_n", "phone_n", "email_n", "identifier_n", "country_n", "street_n", "city_n", "postcode_n")


def bare_name(row: dict[str, Any]) -> bool:
    """A featured record that says nothing but a name."""
    return not any(row.get(c) for c in BESIDES_NAME)


def _unique_map(df: pl.DataFrame, keys: Sequence[str], fn: Callable[..., tuple[Any, ...]],
                out: Sequence[str]) -> pl.DataFrame:
    """Apply ``fn`` once per distinct combination of ``keys`` and join its outputs back."""
    distinct = df.select(keys).unique(maintain_order=True)
    values = [fn(*row) for row in distinct.iter_rows()]
    cols = {name: [v[i] for v in values] for i, name in enumerate(out)}
    mapped = distinct.with_columns(pl.DataFrame(cols, schema={c: pl.String for c in out}))
    return df.join(mapped, on=list(keys), how="left", nulls_equal=True, maintain_order="left")


def _kind(kind: str | None, name: str | None, personal: bool, address: bool) -> tuple[str]:
    if kind:
        return (kind,)
    if personal:
        return ("person",)
    if not name:
        return ("address" if address else "organization",)
    if looks_like_company(name):
        return ("organization",)
    words = name.replace(",", " ").split()
    return ("person" if 2 <= len(words) <= 5 and _PERSONISH.match(name) else "organization",)


def _name(kind: str, name: str | None, first: str | None, last: str | None) -> tuple[str | None, ...]:
    nothing = (None,) * 7
    if kind == "organization":
        return normalize_company_name(name or ""), company_key(name or ""), *nothing[2:]
    if kind != "person":
        return nothing
    written = f"{last}, {first or ''}" if last else (name or first or "")
    parsed = parse_person_name(written)
    if parsed is None:
        return nothing
    first_n = parsed.first or None
    return (parsed.full, person_name_key(written), first_n, parsed.middle[:1] or None, parsed.last,
            _sound(parsed.first), _sound(parsed.last))


def _sound(word: str) -> str | None:
    return jellyfish.metaphone(word.replace(" ", "")) or None if len(word) > 1 else None


def _address(address: str | None, city: str | None, state: str | None, postcode: str | None,
             country: str | None) -> tuple[str | None, ...]:
    written = ", ".join(x for x in (address, city, f"{state or ''} {postcode or ''}".strip()) if x)
    parsed = parse_address(written, country) if written else None
    if parsed is None:
        return None, None, fold(city or "") or None, (postcode or "").strip()[:5] or None
    return (parsed.street or None, parsed.unit or None, parsed.city or fold(city or "") or None,
            parsed.postcode or (postcode or "").strip()[:5] or None)


def _country(country: str | None) -> tuple[str | None]:
    return (normalize_country(country or ""),)


def _phone(phone: str | None, country: str | None) -> tuple[str | None]:
    return (normalize_phone(phone or "", country or "US") if phone else None,)


def _identifier(identifier: str | None) -> tuple[str | None]:
    return ("".join(ch for ch in fold(identifier or "").upper() if ch.isalnum()) or None,)


def features(records: pa.Table) -> pa.Table:
    """``records`` (the record schema) with the normalized columns of ``FEATURE_COLUMNS`` added."""
    df = pl.from_arrow(records.select(list(SCHEMA.names)).cast(SCHEMA))
    assert isinstance(df, pl.DataFrame)
    df = _unique_map(df, ["country"], _country, ["country_n"])
    df = df.with_columns(pl.any_horizontal(pl.col("first_name", "last_name", "dob").is_not_null()).alias("_personal"),
                         pl.col("address").is_not_null().alias("_address"))
    df = _unique_map(df, ["kind", "name", "_personal", "_address"], _kind, ["entity_kind"])
    df = _unique_map(df, ["entity_kind", "name", "first_name", "last_name"], _name,
                     ["name_n", "name_key", "first_n", "middle_n", "last_n", "first_sound", "last_sound"])
    df = _unique_map(df, ["address", "city", "state", "postcode", "country_n"], _address,
                     ["street_n", "unit_n", "city_n", "postcode_n"])
    df = df.with_columns(pl.col("street_n").str.extract(r"\b(\d+[a-z]?)\b", 1).alias("house_n"))
    df = _unique_map(df, ["phone", "country_n"], _phone, ["phone_n"])
    df = _unique_map(df, ["identifier"], _identifier, ["identifier_n"])
    df = _unique_map(df, ["dob"], lambda dob: (normalize_date(dob) if dob else None,), ["dob_n"])
    df = _unique_map(df, ["email"], lambda email: (normalize_email(email) if email else None,), ["email_n"])
    return df.select([*SCHEMA.names, *FEATURE_COLUMNS]).to_arrow()
