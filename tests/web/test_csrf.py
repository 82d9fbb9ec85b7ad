"""Signed-in writes must carry the session's CSRF token: as a form field, or the HTMX header."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pathways.core.policy import Role
from pathways.identity.models import ApiToken
from pathways.store.engine import session_factory
from tests.web.conftest import session_csrf


def token_count(name: str) -> int:
    with session_factory()() as s:
        return int(s.execute(select(func.count()).where(ApiToken.name == name)).scalar_one())


def test_form_post_without_or_with_a_wrong_token_is_refused_and_changes_nothing(
    client: TestClient, signed_in: Callable
) -> None:
    signed_in(Role.SPECIAL_AGENT)
    good = session_csrf(client)
    name = "csrf-probe-" + good[:6]
    for data in ({"name": name, "scopes": "read"}, {"name": name, "scopes": "read", "csrf_token": "forged"}):
        refused = client.post("/account/tokens", data=data)
        assert refused.status_code == 403
        assert "text/html" in refused.headers["content-type"]
        assert "did not come from this site" in refused.text
    assert token_count(name) == 0

    accepted = client.post("/account/tokens", data={"name": name, "scopes": "read", "csrf_token": good})
    assert accepted.status_code == 200 and "is created" in accepted.text
    assert token_count(name) == 1


def test_htmx_posts_carry_the_token_in_a_header(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.AUDITOR)
    page = client.get("/audit")
    token = session_csrf(client)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text  # every element inherits it
    htmx = {"HX-Request": "true"}
    assert client.post("/audit/verify", headers=htmx).status_code == 403
    assert client.post("/audit/verify", headers={**htmx, "X-CSRF-Token": "forged"}).status_code == 403
    fragment = client.post("/audit/verify", headers={**htmx, "X-CSRF-Token": token})
    assert fragment.status_code == 200
    assert "Chain intact" in fragment.text and "<html" not in fragment.text


def test_every_signed_in_form_carries_the_token(client: TestClient, signed_in: Callable,
                                                offices_loaded: None) -> None:
    signed_in(Role.ADMIN)
    token = session_csrf(client)
    for path in ("/", "/account/tokens", "/admin/users", "/admin/users/new", "/admin/offices", "/audit"):
        html = client.get(path).text
        posts = html.count('method="post"')
        assert posts >= 1, path  # at least the logout form
        assert html.count(f'name="csrf_token" value="{token}"') == posts, path


def test_bearer_token_requests_need_no_csrf_token(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.SPECIAL_AGENT)
    created = client.post("/account/tokens", data={"name": "script", "scopes": ["read", "write"],
                                                   "csrf_token": session_csrf(client)})
    secret = created.text.split('id="new-token" class="mono" type="text" readonly value="', 1)[1].split('"', 1)[0]
    api = TestClient(client.app)  # no cookies: a script
    made = api.post("/api/tokens", json={"name": "child", "scopes": ["read"]},
                    headers={"Authorization": f"Bearer {secret}"})
    assert made.status_code == 201
