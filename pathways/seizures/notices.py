"""The disclosure notice to a rights owner when goods bearing its recorded mark are seized.

One notice per seizure and recordation, generated when the seizure is recorded (from the targeting
queue or the officer's form) and recorded in ``seizure_notices``. It states what the agency discloses
to the owner: the date of import and the port, a description and the quantity of the goods, the
manufacturer, exporter and importer with their addresses, and the country of origin. The owner (the
organization that owns the recordation) reads it in its portal; a short entry also appears among the
registry's portal notices.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.policy import Classification, Markings, Viewer
from pathways.registry import service as registry
from pathways.registry.models import Recordation
from pathways.seizures.models import Seizure
from pathways.seizures.tables import SeizureNotice
from pathways.store.numbers import allocate_numbers
from pathways.store.policy import visible

UNKNOWN = "not known to the agency"


def _party(name: str, address: str) -> str:
    name, address = (name or "").strip(), (address or "").strip()
    if not name:
        return UNKNOWN
    return f"{name}, {address}" if address else name


def _number(session: Session, year: int) -> str:
    return allocate_numbers(session, "SN", year=year, width=6)[0]


def notice_text(n: SeizureNotice, seizure_number: str) -> str:
    return (
        f"NOTICE OF SEIZURE {n.notice_number} — disclosure to the owner of {n.record_number} {n.mark}\n"
        f"Goods bearing a mark identical with or substantially indistinguishable from your recorded mark were "
        f"seized as counterfeit (seizure {seizure_number}).\n"
        f"Date of import: {n.imported_on.isoformat()}\nPort of entry: {n.port_code}\n"
        f"Description of the goods: {n.description}\nQuantity: {n.quantity:,}\n"
        f"Manufacturer: {n.manufacturer}\nExporter: {n.exporter}\nImporter: {n.importer}\n"
        f"Country of origin: {n.origin_country or UNKNOWN}"
    )


def disclose(session: Session, viewer: Viewer, seizure: Seizure, *, imported_on: date | None = None,
             manufacturer: str = "", manufacturer_address: str = "") -> list[SeizureNotice]:
    """Generate and record the owner's notice for each recordation the seizure's lines infringe.

    The date of import is the entry date when the officer gives it; otherwise the seizure date (the
    targeting queue records seizures on the day of the exam). Already-notified recordations are skipped."""
    done = set(session.execute(select(SeizureNotice.recordation_id).where(
        SeizureNotice.seizure_id == seizure.id)).scalars())
    by_rec: dict[str, list] = {}
    for ln in seizure.lines:
        if ln.recordation_id and ln.recordation_id not in done:
            by_rec.setdefault(ln.recordation_id, []).append(ln)
    out = []
    agency = viewer.agency_org_id or viewer.org_id
    for rec_id, lines in by_rec.items():
        rec = session.get(Recordation, rec_id)
        if rec is None:
            continue
        owner = rec.owner_org_id or agency
        n = SeizureNotice(
            notice_number=_number(session, (imported_on or seizure.seized_on).year), seizure_id=seizure.id,
            recordation_id=rec.id, record_number=rec.record_number, mark=rec.mark,
            imported_on=imported_on or seizure.seized_on, port_code=seizure.port_code,
            description="; ".join(f"{ln.description or ln.product_category} ({ln.product_category})" for ln in lines),
            quantity=sum(ln.quantity for ln in lines),
            manufacturer=_party(manufacturer, manufacturer_address)[:900],
            exporter=_party(seizure.shipper_name, seizure.shipper_address)[:900],
            importer=_party(seizure.importer_name, seizure.importer_address)[:900],
            origin_country=seizure.origin_country, created_at=utcnow())
        n.text = notice_text(n, seizure.seizure_number)
        n.apply_markings(Markings(Classification.UNCLASSIFIED, owner_org_id=owner,
                                  releasable_to=frozenset({agency}) if agency else frozenset()))
        session.add(n)
        registry.notify(session, viewer, rec, "seizure_notice",
                        f"Seizure notice {n.notice_number}: {n.quantity:,} item(s) bearing {rec.mark} seized at port "
                        f"{n.port_code}, imported {n.imported_on.isoformat()} from {n.origin_country or 'unknown'}. "
                        "Open Seizure notices for the parties and details.")
        out.append(n)
    session.flush()
    return out


def notices_for_owner(session: Session, viewer: Viewer, limit: int = 100) -> list[SeizureNotice]:
    """The notices a rights owner's organization has received, newest first (agency staff see all)."""
    stmt = select(SeizureNotice)
    if not viewer.is_agency and viewer.org_id:
        stmt = stmt.where(SeizureNotice.owner_org_id == viewer.org_id)
    stmt = visible(session, stmt, SeizureNotice, viewer).order_by(SeizureNotice.created_at.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def notices_of_seizure(session: Session, viewer: Viewer, seizure_id: str) -> list[SeizureNotice]:
    stmt = visible(session, select(SeizureNotice).where(SeizureNotice.seizure_id == seizure_id), SeizureNotice,
                   viewer).order_by(SeizureNotice.notice_number)
    return list(session.execute(stmt).scalars())
