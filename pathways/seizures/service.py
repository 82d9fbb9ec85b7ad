"""Recording detentions and seizures, and reading a party's history of them.

Plain functions over a session bound to a viewer; screening calls them when an exam finds a
violation, and the statistics, import and notices build on the same tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from anyascii import anyascii
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.core.clock import fiscal_year, utcnow
from pathways.core.errors import InvalidInput
from pathways.core.policy import Classification, Markings, Viewer
from pathways.resolve.mentions import add_mention, entity_aliases
from pathways.resolve.models import MentionKind
from pathways.seizures.models import (
    MODES,
    PRODUCT_CATEGORIES,
    Detention,
    DetentionStatus,
    Disposition,
    Seizure,
    SeizureLine,
    SeizureParty,
    SeizureSource,
)
from pathways.store.base import encode_tokens
from pathways.store.numbers import allocate_numbers
from pathways.store.policy import visible

NOTICE_BUSINESS_DAYS = 5
DETENTION_DAYS = 30
PARTY_ROLES = ("importer", "shipper", "consignee")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def party_key(text: str | None) -> str:
    """A simple folded name or address: compatibility forms, ASCII, upper case, punctuation gone.

    ``"Velvet Compass Wholesale L.L.C."`` and ``"VELVET COMPASS WHOLESALE LLC"`` share a key. Entity
    resolution will bring better normalizers; until then party history meets on this key."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    if not t.isascii():
        t = anyascii(t)
    t = t.upper().replace(".", "").replace("'", "")
    return _NON_ALNUM.sub(" ", t).strip()


def add_business_days(day: date, n: int) -> date:
    """``n`` working days (Monday to Friday) after ``day``."""
    out = day
    while n > 0:
        out += timedelta(days=1)
        if out.weekday() < 5:
            n -= 1
    return out


def _next_number(session: Session, prefix: str, year: int) -> str:
    return allocate_numbers(session, prefix, year=year, width=6)[0]


def markings_for(viewer: Viewer) -> Markings:
    """Agency records, law-enforcement sensitive, owned by the recording officer's office."""
    if viewer.org_id is None:
        raise InvalidInput("seizure records are written by agency staff")
    return Markings(Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=viewer.org_id,
                    owner_office_id=viewer.office_id)


@dataclass
class Parties:
    importer_name: str = ""
    importer_address: str = ""
    importer_country: str = ""
    shipper_name: str = ""
    shipper_address: str = ""
    shipper_country: str = ""
    consignee_name: str = ""
    consignee_address: str = ""

    def columns(self) -> dict[str, str]:
        return {k: (v or "").strip()[:600 if k.endswith("address") else 300] for k, v in self.__dict__.items()}

    def named(self) -> list[tuple[str, str]]:
        out = []
        for role in PARTY_ROLES:
            for suffix in ("name", "address"):
                value = getattr(self, f"{role}_{suffix}") or ""
                if value.strip():
                    out.append((role if suffix == "name" else f"{role}_address", value.strip()))
        return out


def _add_parties(session: Session, record_type: str, record_id: str, parties: Parties, markings: Markings) -> None:
    """Party history rows, and the parties as mentions for entity resolution (name and address per role)."""
    for role, value in parties.named():
        key = party_key(value)
        if key:
            session.add(SeizureParty(record_type=record_type, record_id=record_id, role=role, value=value[:600],
                                     normalized=key[:600]))
            kind = MentionKind.ADDRESS if role.endswith("_address") else MentionKind.ORGANIZATION
            add_mention(session, kind=kind, value=value, normalized=key, source="seizures", record_type=record_type,
                        record_id=record_id, field=role.removesuffix("_address"), markings=markings)


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInput(f"mode {mode!r} is not one of {', '.join(MODES)}")
    return mode


def record_detention(
    session: Session, viewer: Viewer, *, port_code: str, entry_number: str, parties: Parties,
    detained_on: date | None = None, mode: str = "", line_id: str | None = None, origin_country: str = "",
    description: str = "", quantity: int = 0, recordation_numbers: Sequence[str] = (),
) -> Detention:
    """Detain goods for a confusingly similar mark; the importer's notice is generated now."""
    if not port_code.strip() or not entry_number.strip():
        raise InvalidInput("a detention needs a port and an entry number")
    day = detained_on or utcnow().date()
    det = Detention(
        detention_number=_next_number(session, "DT", day.year), port_code=port_code.strip(),
        entry_number=entry_number.strip(), mode=_mode(mode) if mode else "", line_id=line_id,
        origin_country=origin_country, description=description[:1000], quantity=max(int(quantity), 0),
        recordation_numbers=encode_tokens(list(recordation_numbers)), detained_on=day,
        notice_due_on=add_business_days(day, NOTICE_BUSINESS_DAYS), period_ends_on=day + timedelta(days=DETENTION_DAYS),
        status=DetentionStatus.OPEN, officer_user_id=viewer.user_id, **parties.columns(),
    )
    det.apply_markings(markings_for(viewer))
    det.notice_text = detention_notice(det)
    session.add(det)
    session.flush()
    _add_parties(session, "detention", det.id, parties, det.markings)
    return det


def detention_notice(det: Detention) -> str:
    """The notice of detention sent to the importer (19 CFR 133.21-style content)."""
    recs = ", ".join(sorted(t for t in det.recordation_numbers.split("|") if t)) or "a recorded mark"
    return (
        f"NOTICE OF DETENTION {det.detention_number}\n"
        f"To: {det.importer_name or 'the importer of record'}\n{det.importer_address}\n\n"
        f"Merchandise of entry {det.entry_number} at port {det.port_code}, described as "
        f"\"{det.description}\" (quantity {det.quantity}), from {det.origin_country or 'unknown origin'}, "
        f"was detained on {det.detained_on.isoformat()} because it bears a mark that appears confusingly "
        f"similar to {recs}.\n"
        f"You may within 30 days, until {det.period_ends_on.isoformat()}, provide evidence that the mark is "
        f"authorized or is not confusingly similar. Goods not released by then may be seized.\n"
        f"This notice is due to you by {det.notice_due_on.isoformat()} (5 business days)."
    )


def release_detention(session: Session, viewer: Viewer, det: Detention) -> Detention:
    if det.status != DetentionStatus.OPEN:
        raise InvalidInput(f"detention {det.detention_number} is {det.status}, not open")
    det.status = DetentionStatus.RELEASED
    return det


@dataclass
class LineIn:
    product_category: str
    quantity: int
    msrp_unit_usd: Decimal | float | str
    domestic_value_usd: Decimal | float | str | None = None
    recordation_id: str | None = None
    record_number: str = ""
    registration_number: str = ""
    mark: str = ""
    description: str = ""


def _money(value: object, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{what} {value!r} is not a number") from None
    if not d.is_finite() or d < 0:
        raise InvalidInput(f"{what} must be zero or more")
    return d.quantize(Decimal("0.01"))


def record_seizure(
    session: Session, viewer: Viewer, *, port_code: str, mode: str, entry_number: str, parties: Parties,
    origin_country: str, lines: Sequence[LineIn], seized_on: date | None = None,
    source: str = SeizureSource.MANUAL, line_id: str | None = None, detention: Detention | None = None,
    disposition: str = Disposition.PENDING, external_number: str | None = None, notes: str = "",
    disclose_to_owners: bool = True,
) -> Seizure:
    """A seizure with its lines (one per product type per brand), numbered ``SZ 26-000123``."""
    if source not in SeizureSource.ALL:
        raise InvalidInput(f"source {source!r} is not one of {', '.join(SeizureSource.ALL)}")
    if disposition not in Disposition.ALL:
        raise InvalidInput(f"disposition {disposition!r} is not one of {', '.join(Disposition.ALL)}")
    if not lines:
        raise InvalidInput("a seizure needs at least one line")
    if not port_code.strip() or not entry_number.strip():
        raise InvalidInput("a seizure needs a port and an entry number")
    day = seized_on or utcnow().date()
    seizure = Seizure(
        seizure_number=_next_number(session, "SZ", day.year), port_code=port_code.strip(), seized_on=day,
        fiscal_year=fiscal_year(day), mode=_mode(mode), entry_number=entry_number.strip(), line_id=line_id,
        origin_country=(origin_country or "").strip().upper()[:2], source=source, disposition=disposition,
        detention_id=detention.id if detention else None, officer_user_id=viewer.user_id,
        external_number=external_number, notes=notes, **parties.columns(),
    )
    seizure.apply_markings(markings_for(viewer))
    for n, ln in enumerate(lines, start=1):
        if ln.product_category not in PRODUCT_CATEGORIES:
            raise InvalidInput(f"line {n}: product category {ln.product_category!r} is not one of the 12 categories")
        if int(ln.quantity) <= 0:
            raise InvalidInput(f"line {n}: quantity must be at least 1")
        unit = _money(ln.msrp_unit_usd, f"line {n}: MSRP")
        total = (unit * int(ln.quantity)).quantize(Decimal("0.01"))
        domestic = _money(ln.domestic_value_usd, f"line {n}: domestic value") if ln.domestic_value_usd is not None \
            else Decimal("0.00")
        seizure.lines.append(SeizureLine(
            position=n, product_category=ln.product_category, recordation_id=ln.recordation_id,
            record_number=ln.record_number, registration_number=ln.registration_number, mark=ln.mark[:300],
            description=ln.description[:1000], quantity=int(ln.quantity), msrp_unit_usd=unit, msrp_total_usd=total,
            domestic_value_usd=domestic))
    session.add(seizure)
    session.flush()
    if detention is not None:
        detention.status = DetentionStatus.SEIZED
        detention.seizure_id = seizure.id
    _add_parties(session, "seizure", seizure.id, parties, seizure.markings)
    if disclose_to_owners:  # the rights owners' disclosure notices (seizures.notices)
        from pathways.seizures.notices import disclose

        disclose(session, viewer, seizure)
    return seizure


@dataclass
class PartyHistory:
    """What the agency holds on one normalized name or address."""

    key: str
    detentions: int = 0
    seizures: int = 0
    records: list[str] = field(default_factory=list)  # detention and seizure numbers
    via: str = ""  # the name on the records, when this one reaches them through its resolved entity

    @property
    def events(self) -> int:
        return self.detentions + self.seizures

    @property
    def summary(self) -> str:
        parts = []
        if self.seizures:
            parts.append(f"{self.seizures} seizure{'s' if self.seizures != 1 else ''}")
        if self.detentions:
            parts.append(f"{self.detentions} detention{'s' if self.detentions != 1 else ''}")
        text = " and ".join(parts)
        return f"{text} as {self.via} (same entity)" if self.via else text

    def alias(self, key: str) -> PartyHistory:
        return PartyHistory(key, self.detentions, self.seizures, list(self.records), self.via or self.key)


def with_entity_aliases(session: Session, history: dict[str, PartyHistory]) -> dict[str, PartyHistory]:
    """History keyed also by the other names each party's resolved entity goes by (the most events wins
    where two entities share a name)."""
    out = dict(history)
    for key, others in entity_aliases(session, history).items():
        for other in others:
            if other not in history and (other not in out or out[other].events < history[key].events):
                out[other] = history[key].alias(other)
    return out


def party_history(session: Session, normalized_names: Iterable[str], viewer: Viewer | None = None
                  ) -> dict[str, PartyHistory]:
    """Detentions and seizures naming each key as importer, shipper, consignee or address.

    A detention that became a seizure counts once, as the seizure. With a viewer, only records it may
    see are counted; screening reads as the system and shows the officer the reasons, not the records."""
    keys = sorted({k for k in normalized_names if k})
    out: dict[str, PartyHistory] = {}
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        for model, kind, number in ((Seizure, "seizure", Seizure.seizure_number),
                                    (Detention, "detention", Detention.detention_number)):
            stmt = (select(SeizureParty.normalized, number).join(model, model.id == SeizureParty.record_id)
                    .where(SeizureParty.record_type == kind, SeizureParty.normalized.in_(part)).distinct())
            if model is Detention:
                stmt = stmt.where(Detention.status != DetentionStatus.SEIZED)
            if viewer is not None:
                stmt = visible(session, stmt, model, viewer)  # type: ignore[arg-type]
            for key, num in session.execute(stmt):
                h = out.setdefault(key, PartyHistory(key))
                if kind == "seizure":
                    h.seizures += 1
                else:
                    h.detentions += 1
                h.records.append(num)
    return out


def party_history_with_aliases(session: Session, keys: Iterable[str]) -> dict[str, PartyHistory]:
    """``party_history``, and for a name without records of its own, those of its entity's other names."""
    wanted = {k for k in keys if k}
    aliases = entity_aliases(session, wanted)
    found = party_history(session, wanted | {a for k in wanted for a in aliases.get(k, ())})
    out = {k: found[k] for k in wanted if k in found}
    for k in wanted - set(out):
        best = max((found[a] for a in aliases.get(k, ()) if a in found), key=lambda h: (h.events, h.key), default=None)
        if best is not None:
            out[k] = best.alias(k)
    return out


def all_history_keys(session: Session) -> dict[str, PartyHistory]:
    """Every key with history, and every other name of those parties' entities: the batch screening
    loads these once per run (few, next to the lines)."""
    keys = session.execute(select(SeizureParty.normalized).distinct()).scalars().all()
    return with_entity_aliases(session, party_history(session, keys))


def list_seizures(session: Session, viewer: Viewer, limit: int = 50) -> list[Seizure]:
    stmt = visible(session, select(Seizure), Seizure, viewer).order_by(Seizure.seized_on.desc(),
                                                                       Seizure.seizure_number.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def count_seizures(session: Session, viewer: Viewer) -> int:
    stmt = visible(session, select(func.count()).select_from(Seizure), Seizure, viewer)
    return int(session.execute(stmt).scalar_one())
