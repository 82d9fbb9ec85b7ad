"""Requests on the per-request session under load: many at once, more than the server has threads,
all complete, and every write is kept and audited."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import anyio.to_thread
import httpx
from sqlalchemy import func, select

from pathways.api.app import create_app
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.identity.models import ApiToken
from pathways.store.audit import verify_chain
from pathways.store.session import unit_of_work
from pathways.tips.models import Tip

THREADS = 4  # a small pool, so a few dozen requests are more than it has threads
REQUESTS = 48
HANG_GUARD = 300  # seconds: a deadlocked server fails the test instead of hanging the run


def bearer(viewer: Viewer) -> dict[str, str]:
    with unit_of_work(viewer) as session:
        secret, _ = identity.create_token(session, viewer, "load", "read,write")
    return {"Authorization": f"Bearer {secret}"}


def tip(n: int) -> dict[str, Any]:
    return {"external_id": f"LOAD-{uuid.uuid4().hex[:10]}-{n}", "received_at": "2026-03-01T10:00:00Z",
            "channel": "partner_referral", "location": {"zip": "78040"},
            "narrative": f"Truck with TX plate LQD-{1000 + n} loads people behind the warehouse in Laredo, TX."}


def fire(requests: list[tuple[str, str, dict[str, str], Any]]) -> list[httpx.Response | BaseException]:
    """Send every request at once to the app in this process, its thread pool cut to ``THREADS``."""
    out: list[httpx.Response | BaseException] = [RuntimeError("never answered")] * len(requests)

    async def main() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=None) as client:

            async def one(i: int) -> None:
                method, url, headers, body = requests[i]
                try:
                    out[i] = await client.request(method, url, headers=headers, json=body)
                except Exception as exc:  # reported per request by the assertions
                    out[i] = exc

            with anyio.fail_after(HANG_GUARD):
                async with anyio.create_task_group() as tg:
                    for i in range(len(requests)):
                        tg.start_soon(one, i)

    anyio.run(main)
    return out


def statuses(responses: list[httpx.Response | BaseException]) -> list[int | str]:
    return [r.status_code if isinstance(r, httpx.Response) else repr(r) for r in responses]


def test_more_writers_than_threads_all_complete(make_user) -> None:  # type: ignore[no-untyped-def]
    _, agent = make_user(Role.SPECIAL_AGENT)
    h = bearer(agent)
    names = [f"script {i}" for i in range(REQUESTS)]
    got = fire([("POST", "/api/tokens", h, {"name": n, "scopes": ["read"]}) for n in names])
    assert statuses(got) == [201] * REQUESTS
    with unit_of_work(agent) as session:
        made = session.execute(select(func.count()).select_from(ApiToken).where(
            ApiToken.user_id == agent.user_id, ApiToken.name.in_(names))).scalar_one()
        assert made == REQUESTS
        assert verify_chain(session).intact


def test_readers_writers_and_intake_at_once_all_complete(make_user, cli_viewer: Viewer) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    _, operator = make_user(Role.TIPLINE_OPERATOR)
    h = bearer(operator)
    tips = [tip(i) for i in range(REQUESTS // 2)]
    mixed: list[tuple[str, str, dict[str, str], Any]] = []
    for i, t in enumerate(tips):
        mixed.append(("POST", "/api/tips", h, t))
        mixed.append(("GET", "/api/me", h, None) if i % 2 else
                     ("POST", "/api/tokens", h, {"name": f"mixed {i}", "scopes": ["read"]}))
    got = fire(mixed)
    expected = [201 if method == "POST" else 200 for method, _, _, _ in mixed]
    assert statuses(got) == expected
    with unit_of_work(operator) as session:
        stored = session.execute(select(func.count()).select_from(Tip).where(
            Tip.external_id.in_([t["external_id"] for t in tips]))).scalar_one()
        assert stored == len(tips)
        assert verify_chain(session).intact
