"""Single tips sent at the same moment are stored together, yet every sender gets its own answer:
created or already there, its bundle and office, or why its tip was refused."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from pathways.api.app import create_app
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.audit import AuditEvent
from pathways.store.session import unit_of_work
from pathways.tips import intake_groups
from pathways.tips.models import Tip
from tests.tips.test_intake_and_referrals import record, token
from tests.tips.test_intake_concurrency import answers


def test_one_group_answers_each_caller_on_its_own(cli_viewer: Viewer, make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
        loads_before = _tip_loads(session)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    wallet = f"0x{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}"
    same_event = [record(narrative=f"Report {i}: payments for smuggling go to wallet {wallet} near Laredo, TX.")
                  for i in range(3)]
    repeat = dict(same_event[0], external_id=f"  {same_event[0]['external_id']} ")  # stored trimmed
    bad = record(received_at="yesterday")
    got = answers(operator, [*same_event, repeat, bad, record()])
    bundles = [b for b, _ in got[:3]]
    assert [c for _, c in got[:3]] == [True, True, True] and len(set(bundles)) == 1
    assert got[3] == (bundles[0], False)  # the same external_id twice: one tip, told so
    assert isinstance(got[4], Exception) and "received_at" in str(got[4])
    assert got[5][1] is True and got[5][0] != bundles[0]
    with unit_of_work(cli_viewer, readonly=True) as session:
        assert session.scalar(select(func.count(Tip.id)).where(
            Tip.external_id.in_([r["external_id"] for r in same_event]))) == 3
        assert _tip_loads(session) == loads_before + 1  # one transaction, one audit event for the group


def _tip_loads(session: Any) -> int:
    return int(session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "load", AuditEvent.object_type == "tips")) or 0)


def test_tips_sent_at_once_through_the_api_each_get_their_answer(database_url: str, cli_viewer: Viewer,
                                                                 make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    h = token(operator)
    records = [record() for _ in range(12)]
    records[5] = dict(records[5], received_at="yesterday")

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return list(await asyncio.gather(*(c.post("/api/tips", json=r, headers=h) for r in records)))

    # a thread and loop of its own: a browser test earlier in the run may leave a loop in this thread
    with ThreadPoolExecutor(1) as own_loop:
        got = own_loop.submit(asyncio.run, send_all()).result()
    assert [r.status_code for r in got] == [422 if i == 5 else 201 for i in range(12)]
    assert "received_at" in got[5].text
    tips = [r.json()["tip"] for i, r in enumerate(got) if i != 5]
    assert [t["external_id"] for t in tips] == [r["external_id"] for i, r in enumerate(records) if i != 5]
    assert len({t["number"] for t in tips}) == 11
    assert all(t["office_code"].startswith("SAC-") and t["bundle_id"] for t in tips)


def test_a_group_whose_transaction_fails_is_retried_tip_by_tip(cli_viewer: Viewer, make_user,
                                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    real = intake_groups._write_part

    def fails_together(viewer: Viewer, source: str, records: list[dict[str, Any]], present: Any) -> list[Any]:
        if len(records) > 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(viewer, source, records, present)

    monkeypatch.setattr(intake_groups, "_write_part", fails_together)
    records = [record() for _ in range(3)]
    got = answers(operator, records)
    assert [created for _, created in got] == [True, True, True]
    with unit_of_work(cli_viewer, readonly=True) as session:
        assert session.scalar(select(func.count(Tip.id)).where(
            Tip.external_id.in_([r["external_id"] for r in records]))) == 3
