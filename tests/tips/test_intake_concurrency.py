"""Online intake from several writers at once (as from several server processes): groups of first
reports (a new bundle and referral) and of reports that join a bundle interleave; every tip lands,
each bundle counts all its reports, and no writer waits crosswise for another's locks."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.audit import verify_chain
from pathways.store.session import unit_of_work
from pathways.tips.intake_groups import Waiting, write_group
from pathways.tips.models import Tip, TipBundle

WRITERS = 4
GROUP = 5
TIPS = 60


def report(event: str, n: int) -> dict[str, Any]:
    return {"external_id": f"CONC-{uuid.uuid4().hex[:12]}", "received_at": "2026-03-01T10:00:00Z",
            "channel": "partner_referral", "location": {"zip": "78040"},
            "narrative": f"Report {n}: counterfeit watches sold at https://{event}.example/shop/{event} near Laredo."}


def answers(viewer: Viewer, records: list[dict[str, Any]]) -> list[Any]:
    """What each caller of one group is told: (bundle id, created) or the error."""
    loop = asyncio.new_event_loop()
    try:
        group = [Waiting(viewer, "agency", r, loop.create_future()) for r in records]
        return write_group(group, lambda tip, created: (tip.bundle_id, created))
    finally:
        loop.close()


def test_groups_of_first_reports_and_joins_at_once_all_land_in_one_chain(cli_viewer: Viewer, make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    seeded = [f"ev-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    assert all(created for _, created in answers(operator, [report(event, 0) for event in seeded]))
    # every other tip joins a seeded event's bundle; the rest each start a bundle of their own
    records = [report(seeded[i % 3] if i % 2 else f"new-{uuid.uuid4().hex[:10]}", i) for i in range(TIPS)]
    groups = [records[i:i + GROUP] for i in range(0, TIPS, GROUP)]
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        taken = [a for part in pool.map(lambda g: answers(operator, g), groups) for a in part]
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
