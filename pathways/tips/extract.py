"""Identifiers in a tip: found in the narrative and the structured fields, normalized and validated.

Pure: text in, ``Identifier``s out. Each becomes a mention (pathways.resolve) and, for the kinds that
tell one event from another, a dedup key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pathways.resolve.models import MentionKind
from pathways.resolve.normalize import (
    normalize_btc,
    normalize_country,
    normalize_domain,
    normalize_email,
    normalize_eth,
    normalize_ip,
    normalize_phone,
    normalize_plate,
    normalize_url,
    normalize_username,
    normalize_vessel,
    normalize_zip,
)
from pathways.resolve.normalize.places import normalize_us_address


@dataclass(frozen=True)
class Identifier:
    kind: str  # a MentionKind value, or "btc"/"eth" for accounts (kind ACCOUNT)
    value: str  # as written
    normalized: str
    field: str  # narrative, location, subjects[0].phone, ...

    @property
    def mention_kind(self) -> MentionKind:
        return MentionKind.ACCOUNT if self.kind in ("btc", "eth") else MentionKind(self.kind)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.normalized}"


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ETH = re.compile(r"\b0x[0-9a-fA-F]{40}\b")
_BTC = re.compile(r"\b(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b")
_USER = re.compile(r"(?<![\w@./])@([A-Za-z0-9_.]{2,30})")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{6,18}\d(?!\w)")
_PLATE = re.compile(r"\b([A-Za-z]{2})?\s*plates?\s+(?:number\s+)?([A-Za-z0-9]{1,4}[- ]?[A-Za-z0-9]{1,5})\b", re.I)
_VESSEL = re.compile(r"\b(?:M/V|M\.V\.|F/V|M/T)\s+([A-Za-z0-9]+(?:\s+[A-Za-z0-9]+){0,3})", re.I)
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_VESSEL_STOP = {"and", "next", "in", "on", "at", "to", "the", "from", "with", "is", "was", "will", "arriving", "which",
                "that", "this", "for", "by", "near", "week", "tonight", "today"}
_STATE_WORDS = {"TX", "CA", "NY", "FL"}  # only used to keep a plate's state prefix honest


def _vessel_name(raw: str) -> str:
    words: list[str] = []
    for w in raw.split():
        if w.lower() in _VESSEL_STOP or len(words) == 3:
            break
        words.append(w)
    return " ".join(words)


def from_text(text: str, field: str = "narrative", region: str | None = "US",
              state: str | None = None) -> list[Identifier]:
    """Every identifier in a piece of free text, each validated (a BTC address must pass its checksum)."""
    out: list[Identifier] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: str, norm: str | None, span: tuple[int, int]) -> None:
        if norm:
            out.append(Identifier(kind, value, norm, field))
            taken.append(span)

    def free(span: tuple[int, int]) -> bool:
        return not any(a < span[1] and span[0] < b for a, b in taken)

    for m in _URL.finditer(text):
        url = normalize_url(m.group(0))
        domain = normalize_domain(url) if url else None
        # A bare site address is the site: the domain alone says it; a path names one page or item.
        if (url and urlsplit(url).path.strip("/")) or (url and urlsplit(url).query):
            add("url", m.group(0).rstrip(".,;:)!?"), url, m.span())
        add("domain", m.group(0), domain, m.span())
    for m in _EMAIL.finditer(text):
        if free(m.span()):
            add("email", m.group(0), normalize_email(m.group(0)), m.span())
    for m in _ETH.finditer(text):
        add("eth", m.group(0), normalize_eth(m.group(0)), m.span())
    for m in _BTC.finditer(text):
        if free(m.span()):
            add("btc", m.group(0), normalize_btc(m.group(0)), m.span())
    for m in _USER.finditer(text):
        if free(m.span()):
            add("username", m.group(0), normalize_username(m.group(1)), m.span())
    for m in _PLATE.finditer(text):
        region_code = (m.group(1) or state or "").upper() or None
        add("vehicle", m.group(0), normalize_plate(m.group(2), region_code), m.span())
    for m in _VESSEL.finditer(text):
        name = _vessel_name(m.group(1))
        add("vessel", name, normalize_vessel(name), m.span())
    for m in _IP.finditer(text):
        if free(m.span()):
            add("ip_address", m.group(0), normalize_ip(m.group(0)), m.span())
    for m in _PHONE.finditer(text):
        if free(m.span()):
            add("phone", m.group(0).strip(), normalize_phone(m.group(0), region), m.span())
    return out


def from_record(rec: Mapping[str, Any], region: str | None) -> list[Identifier]:
    """The narrative's identifiers, then the subjects' fields and the location's. Tipster details are
    not extracted here: they belong to the caveated tipster identity, never to a mention."""
    loc = rec.get("location") or {}
    state = loc.get("state") if isinstance(loc, Mapping) else None
    out = from_text(str(rec.get("narrative") or ""), "narrative", region, state)
    for i, s in enumerate(rec.get("subjects") or []):
        if not isinstance(s, Mapping):
            continue
        f = f"subjects[{i}]"
        if s.get("name"):
            name = " ".join(str(s["name"]).split())
            out.append(Identifier("person", name, name.upper(), f))
        if s.get("phone"):
            _maybe(out, "phone", s["phone"], normalize_phone(str(s["phone"]), region), f + ".phone")
        if s.get("email"):
            _maybe(out, "email", s["email"], normalize_email(str(s["email"])), f + ".email")
        if s.get("username"):
            _maybe(out, "username", s["username"], normalize_username(str(s["username"])), f + ".username")
        if s.get("address"):
            _maybe(out, "address", s["address"], normalize_us_address(str(s["address"])), f + ".address")
    if isinstance(loc, Mapping):
        if loc.get("address"):
            full = ", ".join(str(loc[k]) for k in ("address", "city", "state", "zip") if loc.get(k))
            _maybe(out, "address", full, normalize_us_address(full), "location")
        if loc.get("country"):
            _maybe(out, "country", loc["country"], normalize_country(str(loc["country"])), "location")
        if loc.get("zip"):
            z = normalize_zip(str(loc["zip"]))
            _maybe(out, "address", str(loc["zip"]), f"ZIP {z}" if z else None, "location.zip")
    return _unique(out)


def _maybe(out: list[Identifier], kind: str, value: Any, norm: str | None, field: str) -> None:
    if norm:
        out.append(Identifier(kind, str(value), norm, field))


def _unique(items: Iterable[Identifier]) -> list[Identifier]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for i in items:
        k = (i.kind, i.normalized, i.field)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out
