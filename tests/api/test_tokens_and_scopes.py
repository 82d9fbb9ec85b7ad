"""API tokens: shown once, hashed at rest, limited by scope, dead once revoked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pathways.api.app import create_app
from pathways.core.clock import as_utc, utcnow
from pathways.core.policy import Role
from pathways.identity import service as identity
from pathways.identity.models import ApiToken
from pathways.store.session import unit_of_work


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def token_for(viewer, scopes: str) -> str:  # type: ignore[no-untyped-def]
    with unit_of_work(viewer) as session:
        secret, _ = identity.create_token(session, viewer, f"test {scopes}", scopes)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_health_is_open(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"


def test_a_read_token_reads_but_cannot_write(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, analyst = make_user(Role.INTELLIGENCE_ANALYST)
    secret = token_for(analyst, "read")
    me = client.get("/api/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.json()["username"] == analyst.username
    assert me.json()["scopes"] == ["read"]
    refused = client.post("/api/tokens", json={"name": "more", "scopes": ["read"]}, headers=bearer(secret))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "'write' scope" in refused.json()["detail"]


def test_a_write_token_creates_tokens_and_the_secret_is_not_stored(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, agent = make_user(Role.SPECIAL_AGENT)
    secret = token_for(agent, "read,write")
    made = client.post("/api/tokens", json={"name": "script", "scopes": ["read"]}, headers=bearer(secret))
    assert made.status_code == 201
    new_secret = made.json()["token"]
    assert new_secret.startswith("pw_")
    with unit_of_work(agent) as session:
        stored = session.execute(select(ApiToken.token_hash)).scalars().all()
    assert new_secret not in stored and all(len(h) == 64 for h in stored)
    listed = client.get("/api/tokens", headers=bearer(new_secret)).json()
    assert "token" not in listed[0] and {t["name"] for t in listed} >= {"script"}


def test_scopes_beyond_the_users_roles_are_refused(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, officer = make_user(Role.BORDER_OFFICER)
    with unit_of_work(officer) as session, pytest.raises(Exception, match="only auditors"):
        identity.create_token(session, officer, "sneaky", "read,audit")
    with unit_of_work(officer) as session, pytest.raises(Exception, match="only administrators"):
        identity.create_token(session, officer, "sneaky", "admin")


def test_audit_needs_the_audit_scope_and_the_role(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, auditor = make_user(Role.AUDITOR)
    read_only = token_for(auditor, "read")
    assert client.get("/api/audit/events", headers=bearer(read_only)).status_code == 403
    audit_token = token_for(auditor, "read,audit")
    events = client.get("/api/audit/events?limit=5", headers=bearer(audit_token))
    assert events.status_code == 200 and len(events.json()) == 5
    assert client.get("/api/audit/verify", headers=bearer(audit_token)).json()["intact"] is True


def test_admin_scope_creates_users(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, admin = make_user(Role.ADMIN)
    body = {"username": "new-officer-1", "password": "long enough password", "roles": ["border_officer"]}
    assert client.post("/api/users", json=body, headers=bearer(token_for(admin, "read,write"))).status_code == 403
    made = client.post("/api/users", json=body, headers=bearer(token_for(admin, "admin")))
    assert made.status_code == 201, made.text
    assert made.json()["roles"] == ["border_officer"]
    again = client.post("/api/users", json=body, headers=bearer(token_for(admin, "admin")))
    assert again.status_code == 409


def test_revoked_and_unknown_tokens_are_refused(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, agent = make_user(Role.SPECIAL_AGENT)
    secret = token_for(agent, "read,write")
    with unit_of_work(agent) as session:
        token = session.execute(select(ApiToken).where(ApiToken.user_id == agent.user_id)).scalars().first()
        assert token is not None
        token_id = token.id
    assert client.delete(f"/api/tokens/{token_id}", headers=bearer(secret)).status_code == 200
    gone = client.get("/api/me", headers=bearer(secret))
    assert gone.status_code == 401
    assert gone.json()["title"] == "Not authenticated"
    assert client.get("/api/me", headers=bearer("pw_made_up")).status_code == 401


def test_validation_errors_are_problem_details(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, agent = make_user(Role.SPECIAL_AGENT)
    bad = client.post("/api/tokens", json={"name": "", "scopes": []}, headers=bearer(token_for(agent, "write")))
    assert bad.status_code == 422
    problem = bad.json()
    assert problem["status"] == 422 and "name" in problem["detail"] and problem["errors"]


def test_unknown_routes_are_problem_details(client: TestClient) -> None:
    missing = client.get("/api/nowhere")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_a_tokens_last_use_is_kept_to_the_minute(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    """Using a token is a read: its last use is saved when the one stored is a minute old, not on
    every request."""
    _, analyst = make_user(Role.INTELLIGENCE_ANALYST)
    secret = token_for(analyst, "read")

    def last_used() -> datetime | None:
        with unit_of_work(analyst, readonly=True) as session:
            token = session.execute(select(ApiToken).where(ApiToken.user_id == analyst.user_id)).scalar_one()
            return token.last_used_at

    assert last_used() is None
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200
    first = last_used()
    assert first is not None
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200
    assert last_used() == first
    stale = utcnow() - identity.TOKEN_USE_PRECISION
    with unit_of_work(analyst) as session:
        token = session.execute(select(ApiToken).where(ApiToken.user_id == analyst.user_id)).scalar_one()
        token.last_used_at = stale
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200
    later = last_used()
    assert later is not None and as_utc(later) > stale
