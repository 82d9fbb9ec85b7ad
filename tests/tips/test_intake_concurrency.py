"""Online intake from many threads at once: first reports (a new bundle and referral) and reports that
join a bundle interleave, and none waits crosswise for another's locks."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.audit import verify_chain
from pathways.store.session import unit_of_work
from pathways.tips import service
from pathways.tips.models import Tip, TipBundle

THREADS = 6
TIPS = 60


def report(event: str, n: int) -> dict[str, Any]:
    return {"external_id": f"CONC-{uuid.uuid4().hex[:12]}", "received_at": "2026-03-01T10:00:00Z",
            "channel": "partner_referral", "location": {"zip": "78040"},
            "narrative": f"Report {n}: counterfeit watches sold at https://{event}.example/shop/{event} near Laredo."}


def test_first_reports_and_joins_at_once_all_land_in_one_chain(cli_viewer: Viewer, make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    seeded = [f"ev-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    for event in seeded:
        service.intake(operator, report(event, 0), source="agency", present=lambda out: out.tip.id)
    # every other tip joins a seeded event's bundle; the rest each start a bundle of their own
    records = [report(seeded[i % 3] if i % 2 else f"new-{uuid.uuid4().hex[:10]}", i) for i in range(TIPS)]

    def take(rec: dict[str, Any]) -> tuple[str, bool]:
        return service.intake(operator, rec, source="agency", present=lambda out: (out.tip.bundle_id, out.created))

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        taken = list(pool.map(take, records))
    assert all(created for _, created in taken)
    with unit_of_work(cli_viewer, readonly=True) as session:
        ids = [r["external_id"] for r in records]
        stored = session.execute(select(func.count(Tip.id), func.count(func.distinct(Tip.number)))
                                 .where(Tip.external_id.in_(ids))).one()
        assert tuple(stored) == (TIPS, TIPS)
        joined = {bundle for (bundle, _), rec in zip(taken, records, strict=True) if "new-" not in rec["narrative"]}
        assert len(joined) == 3
        counts = session.execute(select(TipBundle.report_count).where(TipBundle.id.in_(joined))).scalars().all()
        assert sorted(counts) == [TIPS // 6 + 1] * 3
        assert verify_chain(session).intact
