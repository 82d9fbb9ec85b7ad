"""Turning rows into API shapes and page values."""

from __future__ import annotations

import json

from pathways.core.clock import as_utc, utcnow
from pathways.tips.models import Referral, Tip, TipBundle
from pathways.tips.schemas import BundleOut, ReferralOut, TipOut


def reasons(text: str) -> list[str]:
    return [f"{t} ({'+' if int(p) >= 0 else ''}{p})" for p, t in json.loads(text or "[]")]


def tip_out(t: Tip) -> TipOut:
    return TipOut(id=t.id, number=t.number, source=t.source, external_id=t.external_id, channel=t.channel,
                  received_at=as_utc(t.received_at), category=t.category, category_reason=t.category_reason,
                  narrative=t.narrative, location=json.loads(t.location or "{}"), office_code=t.office_code,
                  routing_reason=t.routing_reason, routing_flag=t.routing_flag, priority=t.priority,
                  priority_score=t.priority_score, priority_reasons=reasons(t.priority_reasons),
                  bundle_id=t.bundle_id, bundle_reason=t.bundle_reason, marking=t.markings.banner())


def breached(r: Referral) -> bool:
    return r.status in ("sent", "rerouted") and as_utc(r.due_at) < utcnow()


def referral_out(r: Referral) -> ReferralOut:
    return ReferralOut(id=r.id, bundle_id=r.bundle_id, office_code=r.office_code, status=r.status,
                       priority=r.priority, sent_at=as_utc(r.sent_at), due_at=as_utc(r.due_at), breached=breached(r),
                       decline_reason=r.decline_reason, disposition=r.disposition)


def bundle_out(b: TipBundle, ref: Referral | None, tips: list[Tip]) -> BundleOut:
    return BundleOut(id=b.id, number=b.number, category=b.category, report_count=b.report_count,
                     first_at=as_utc(b.first_at), last_at=as_utc(b.last_at), office_code=b.office_code,
                     priority=b.priority, priority_score=b.priority_score,
                     priority_reasons=reasons(b.priority_reasons), referral_id=ref.id if ref else None,
                     referral_status=ref.status if ref else None, tips=[t.number for t in tips])
