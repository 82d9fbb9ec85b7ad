"""The audit page: search, newest first, paging, and the chain check."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from pathways.core.policy import Role
from tests.web.conftest import login, session_csrf


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'<td class="num mono">(\d+)</td>', html)]


def test_search_finds_a_login_newest_first(client: TestClient, make_user: Callable,
                                           new_client: Callable) -> None:
    agent, _ = make_user(Role.SPECIAL_AGENT)
    login(new_client(), agent)
    auditor, _ = make_user(Role.AUDITOR)
    login(client, auditor)
    for _ in range(3):  # enough events for two pages of ten, whatever ran before
        make_user(Role.BORDER_OFFICER)

    page = client.get("/audit", params={"actor": agent, "action": "login"})
    assert page.status_code == 200
    assert len(seqs(page.text)) == 1 and ">login</span>" in page.text

    everything = seqs(client.get("/audit", params={"per_page": 10}).text)
    assert everything == sorted(everything, reverse=True) and len(everything) == 10, everything
    page2 = seqs(client.get("/audit", params={"per_page": 10, "page": 2}).text)
    # Each search is itself an event, so the second page starts one event later than the first ended.
    assert page2 and max(page2) <= min(everything) and len(set(page2) | set(everything)) >= 12

    text = client.get("/audit", params={"q": agent, "since": "2000-01-01", "until": "2999-12-31"}).text
    assert seqs(text)


def test_bad_dates_are_explained_not_crashed_on(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.AUDITOR)
    page = client.get("/audit", params={"since": "yesterday"})
    assert page.status_code == 200 and "is not a date" in page.text


def test_searching_the_log_is_itself_audited(client: TestClient, signed_in: Callable) -> None:
    auditor = signed_in(Role.AUDITOR)
    client.get("/audit", params={"object_type": "users"})
    found = client.get("/audit", params={"actor": auditor, "action": "audit_search"}).text
    assert "object_type" in found


def test_verify_chain_without_javascript_shows_the_whole_page(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.ADMIN)
    response = client.post("/audit/verify?actor=admin", data={"csrf_token": session_csrf(client)})
    assert response.status_code == 200
    assert "<h1>Audit log</h1>" in response.text and "Chain intact" in response.text


def test_a_broken_chain_names_the_first_broken_event(fresh_database: str, client: TestClient,
                                                     make_user: Callable) -> None:
    from sqlalchemy import text

    from pathways.store.engine import get_engine

    auditor, _ = make_user(Role.AUDITOR)
    login(client, auditor)
    with get_engine().begin() as conn:  # tamper as a DBA would: drop the guard, edit one event
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_no_change ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    csrf = session_csrf(client)
    result = client.post("/audit/verify", headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert result.status_code == 200
    assert "Chain broken at event #2" in result.text and "altered" in result.text and "mallory" in result.text
