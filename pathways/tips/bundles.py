"""Changing stored bundles: two bundles found to be one event are merged; a supervisor splits a tip
out of a bundle it does not belong to. Both keep every tip, note the change in the referrals'
histories and in the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.policy import Viewer
from pathways.store.audit import record_event
from pathways.tips import store as tstore
from pathways.tips.models import Referral, ReferralEvent, Tip, TipBundle
from pathways.tips.priority import SLA


def merge_stored(session: Session, viewer: Viewer, survivor: TipBundle | tuple[str, str],
                 absorbed_id: str, why: str) -> int:
    """Move every tip of bundle ``absorbed_id`` into ``survivor`` (a row, or its id and number);
    the absorbed bundle's referral is closed as a duplicate pointing at the survivor, whose referral
    goes on. The caller brings the survivor's count, dates and priority up to date. Returns the
    number of tips moved."""
    sid, snumber = (survivor.id, survivor.number) if isinstance(survivor, TipBundle) else survivor
    absorbed = session.get(TipBundle, absorbed_id)
    assert absorbed is not None
    result: Any = session.execute(update(Tip).where(Tip.bundle_id == absorbed_id).values(bundle_id=sid)
                                  .execution_options(synchronize_session=False))
    moved = result.rowcount
    absorbed.report_count = 0
    now = utcnow()
    gone = session.execute(select(Referral).where(Referral.bundle_id == absorbed_id)).scalar_one_or_none()
    if gone is not None:
        if gone.status != "disposed":
            gone.status, gone.disposition, gone.acted_at = "disposed", "duplicate", now
            gone.disposition_note = f"merged into {snumber}"
        session.add(ReferralEvent(referral_id=gone.id, action="merged", office_code=gone.office_code,
                                  note=f"merged into {snumber}: {why}"[:500], actor=viewer.username))
    kept = session.execute(select(Referral.id, Referral.office_code).where(Referral.bundle_id == sid)).one_or_none()
    if kept is not None:
        session.add(ReferralEvent(referral_id=kept[0], action="merged", office_code=kept[1],
                                  note=f"took in {absorbed.number} ({moved} reports): {why}"[:500],
                                  actor=viewer.username))
    record_event(session, "merge", "tip_bundles", sid, absorbed=absorbed_id, absorbed_number=absorbed.number,
                 tips=moved, reason=why)
    return int(moved or 0)


def refresh(session: Session, bundle: TipBundle) -> None:
    """A bundle's count, first and last report, and priority, from the tips it holds now."""
    n, first, last = session.execute(select(func.count(Tip.id), func.min(Tip.received_at), func.max(Tip.received_at))
                                     .where(Tip.bundle_id == bundle.id)).one()
    bundle.report_count = int(n)
    if n:
        bundle.first_at, bundle.last_at = as_utc(first), as_utc(last)
        best = session.execute(select(Tip.priority_reasons).where(Tip.bundle_id == bundle.id)
                               .order_by(Tip.priority_score.desc()).limit(1)).scalar_one()
        pr = tstore.bundle_priority(tstore.reasons_from_json(best), int(n))
        bundle.priority, bundle.priority_score, bundle.priority_reasons = pr.level, pr.score, tstore.reasons_json(pr)
    ref = session.execute(select(Referral).where(Referral.bundle_id == bundle.id)).scalar_one_or_none()
    if ref is not None and ref.status in ("sent", "rerouted") and ref.priority != bundle.priority:
        ref.priority, ref.due_at = bundle.priority, as_utc(ref.sent_at) + SLA[bundle.priority]


def split_bundles(session: Session, bundle_ids: list[str]) -> set[str]:
    """Of these bundles, those a supervisor has split, or made by a split: their tips are not merged
    automatically. Read from the referrals' few events, never from the bundles' (maybe thousands of) tips."""
    if not bundle_ids:
        return set()
    referrals = {rid: bid for rid, bid in session.execute(
        select(Referral.id, Referral.bundle_id).where(Referral.bundle_id.in_(bundle_ids)))}
    if not referrals:
        return set()
    # two look-ups by index: joined in one statement, PostgreSQL's plan scans every event
    made_by_split = and_(ReferralEvent.action == "sent", ReferralEvent.note.startswith("split from"))
    events = select(ReferralEvent.referral_id).where(ReferralEvent.referral_id.in_(list(referrals)),
                                                     or_(ReferralEvent.action == "split", made_by_split))
    return {referrals[r] for r in session.execute(events).scalars()}
