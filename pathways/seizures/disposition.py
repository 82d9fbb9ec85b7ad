"""What happens after the exam: a detention's 30 days and how it ends, a seizure's disposition, and the
officer's form for a seizure recorded by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.registry.models import Recordation
from pathways.seizures import service
from pathways.seizures.models import Detention, DetentionStatus, Disposition, Seizure, SeizureSource
from pathways.seizures.notices import disclose
from pathways.seizures.tables import DetentionAction, DetentionEvent
from pathways.store.policy import fetch_visible, visible

OFFICERS = (Role.BORDER_OFFICER, Role.SUPERVISOR, Role.ADMIN)
FINAL = (Disposition.FORFEITED, Disposition.DESTROYED, Disposition.DONATED, Disposition.RELEASED)


@dataclass
class Clock:
    """The detention's 30-day clock as an officer reads it."""

    days_left: int
    notice_due_on: date
    notice_overdue: bool
    period_ends_on: date
    expired: bool

    @property
    def text(self) -> str:
        if self.expired:
            return f"30-day period ended {self.period_ends_on.isoformat()}: release or seize now"
        plural = "s" if self.days_left != 1 else ""
        return f"{self.days_left} day{plural} left (until {self.period_ends_on.isoformat()})"


def clock(det: Detention, today: date | None = None) -> Clock:
    today = today or utcnow().date()
    left = (det.period_ends_on - today).days
    return Clock(max(left, 0), det.notice_due_on, today > det.notice_due_on, det.period_ends_on,
                 left < 0 and det.status == DetentionStatus.OPEN)


def open_detentions(session: Session, viewer: Viewer, limit: int = 100) -> list[Detention]:
    identity.require_role(viewer, *OFFICERS)
    stmt = visible(session, select(Detention).where(Detention.status == DetentionStatus.OPEN), Detention, viewer)
    return list(session.execute(stmt.order_by(Detention.period_ends_on, Detention.detention_number).limit(limit))
                .scalars())


def events_of(session: Session, detention_id: str) -> list[DetentionEvent]:
    return list(session.execute(select(DetentionEvent).where(DetentionEvent.detention_id == detention_id)
                                .order_by(DetentionEvent.created_at)).scalars())


def _event(session: Session, viewer: Viewer, det: Detention, action: str, note: str) -> DetentionEvent:
    ev = DetentionEvent(detention_id=det.id, action=action, note=note.strip()[:2000], on_day=utcnow().date(),
                        by_user=viewer.username)
    session.add(ev)
    return ev


def note_detention(session: Session, viewer: Viewer, detention_id: str, action: str, note: str = "") -> Detention:
    """Record a step of the 30 days: importer notified, owner shown samples, authorization shown, consent."""
    identity.require_role(viewer, *OFFICERS)
    det = fetch_visible(session, Detention, detention_id, viewer)
    if action not in DetentionAction.NOTES:
        raise InvalidInput(f"action {action!r} is not one of {', '.join(DetentionAction.NOTES)}")
    if det.status != DetentionStatus.OPEN:
        raise InvalidInput(f"detention {det.detention_number} is {det.status}, not open")
    _event(session, viewer, det, action, note)
    session.flush()
    return det


def release(session: Session, viewer: Viewer, detention_id: str, note: str = "") -> Detention:
    """End a detention by releasing the goods (authorized, consented, or not shown to infringe)."""
    identity.require_role(viewer, *OFFICERS)
    det = fetch_visible(session, Detention, detention_id, viewer)
    service.release_detention(session, viewer, det)
    _event(session, viewer, det, DetentionAction.RELEASED, note)
    session.flush()
    return det


def seize(session: Session, viewer: Viewer, detention_id: str, *, product_category: str, quantity: int | None = None,
          msrp_unit_usd: str = "", note: str = "") -> Seizure:
    """End a detention by seizing the goods: a seizure with one line per recordation named on it."""
    identity.require_role(viewer, *OFFICERS)
    det = fetch_visible(session, Detention, detention_id, viewer)
    if det.status != DetentionStatus.OPEN:
        raise InvalidInput(f"detention {det.detention_number} is {det.status}, not open")
    numbers = sorted(t for t in det.recordation_numbers.split("|") if t)
    lines = [_line(session, number, product_category, quantity or det.quantity, msrp_unit_usd, det.description)
             for number in numbers or [""]]
    seizure = service.record_seizure(
        session, viewer, port_code=det.port_code, mode=det.mode or "cargo", entry_number=det.entry_number,
        parties=_parties(det), origin_country=det.origin_country, lines=lines, line_id=det.line_id, detention=det,
        source=SeizureSource.TARGETING if det.line_id else SeizureSource.MANUAL, notes=note)
    _event(session, viewer, det, DetentionAction.SEIZED, note or f"seizure {seizure.seizure_number}")
    session.flush()
    return seizure


def _parties(det: Detention) -> service.Parties:
    return service.Parties(**{k: getattr(det, k) for k in service.Parties.__dataclass_fields__})


def _line(session: Session, record_number: str, category: str, quantity: int, msrp: str,
          description: str) -> service.LineIn:
    rec = None
    if record_number:
        rec = session.execute(select(Recordation).where(Recordation.record_number == record_number.strip().upper())
                              ).scalar_one_or_none()
        if rec is None:
            raise InvalidInput(f"recordation {record_number} is not recorded")
    unit = msrp.strip() if msrp.strip() else str(rec.msrp_usd if rec and rec.msrp_usd is not None else "0")
    return service.LineIn(product_category=category, quantity=quantity, msrp_unit_usd=unit,
                          recordation_id=rec.id if rec else None, record_number=rec.record_number if rec else "",
                          registration_number=rec.registration_number if rec else "", mark=rec.mark if rec else "",
                          description=description)


def set_disposition(session: Session, viewer: Viewer, seizure_id: str, disposition: str,
                    on_day: date | None = None) -> Seizure:
    """Forfeited, destroyed, donated or released: what became of the seized goods."""
    identity.require_role(viewer, *OFFICERS)
    seizure = fetch_visible(session, Seizure, seizure_id, viewer)
    if disposition not in FINAL:
        raise InvalidInput(f"disposition {disposition!r} is not one of {', '.join(FINAL)}")
    seizure.disposition = disposition
    seizure.disposition_on = on_day or utcnow().date()
    session.flush()
    return seizure


@dataclass
class ManualSeizure:
    """The officer's form: one shipment and its lines."""

    port_code: str
    mode: str
    entry_number: str
    origin_country: str
    parties: service.Parties
    lines: list[tuple[str, str, int, str, str]]  # (record number, category, quantity, MSRP/unit, description)
    seized_on: date | None = None
    imported_on: date | None = None
    manufacturer: str = ""
    manufacturer_address: str = ""
    notes: str = ""


def record_manual(session: Session, viewer: Viewer, form: ManualSeizure) -> Seizure:
    """A seizure recorded by hand; the rights owners' disclosure notices are generated with it."""
    identity.require_role(viewer, *OFFICERS)
    if not form.lines:
        raise InvalidInput("a seizure needs at least one line")
    lines = []
    for n, (number, category, qty, msrp, description) in enumerate(form.lines, start=1):
        if not number.strip():
            raise InvalidInput(f"line {n}: name the recordation the goods infringe (e.g. TMK 26-00001)")
        lines.append(_line(session, number, category, qty, msrp, description))
    seizure = service.record_seizure(
        session, viewer, port_code=form.port_code, mode=form.mode, entry_number=form.entry_number,
        parties=form.parties, origin_country=form.origin_country, lines=lines, seized_on=form.seized_on,
        source=SeizureSource.MANUAL, notes=form.notes, disclose_to_owners=False)
    disclose(session, viewer, seizure, imported_on=form.imported_on, manufacturer=form.manufacturer,
             manufacturer_address=form.manufacturer_address)
    return seizure
