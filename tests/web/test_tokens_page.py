"""My API tokens: create one on the page, use it as a bearer token, revoke it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from pathways.core.policy import Role
from tests.web.conftest import session_csrf

SECRET = re.compile(r'id="new-token" class="mono" type="text" readonly value="(pw_[^"]+)"')


def test_created_token_works_on_the_api_until_revoked(client: TestClient, signed_in: Callable) -> None:
    username = signed_in(Role.INTELLIGENCE_ANALYST)
    csrf = session_csrf(client)
    created = client.post("/account/tokens", data={"name": "nightly export", "scopes": ["read"],
                                                   "expires_days": "30", "csrf_token": csrf})
    assert created.status_code == 200
    assert "shown only once" in created.text
    secret = SECRET.search(created.text).group(1)  # type: ignore[union-attr]

    script = TestClient(client.app)
    me = script.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == username and me.json()["scopes"] == ["read"]

    listing = client.get("/account/tokens").text
    assert "nightly export" in listing and secret[:10] in listing and secret not in listing  # shown once
    token_id = re.search(r'action="/account/tokens/([^/"]+)/revoke"', listing).group(1)  # type: ignore[union-attr]
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    after = client.get("/account/tokens").text
    assert "is revoked" in after and "Revoked" in after

    refused = script.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_scopes_offered_follow_the_role(client: TestClient, signed_in: Callable, new_client: Callable) -> None:
    signed_in(Role.BORDER_OFFICER)
    page = client.get("/account/tokens").text
    assert 'value="read"' in page and 'value="write"' in page
    assert 'value="audit"' not in page and 'value="admin"' not in page
    # Sending a scope the form did not offer is refused by the service, shown as a form error.
    refused = client.post("/account/tokens", data={"name": "sneaky", "scopes": ["admin"],
                                                   "csrf_token": session_csrf(client)})
    assert refused.status_code == 422 and "Only administrators may hold the admin scope." in refused.text


def test_form_errors_keep_what_was_typed(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.SPECIAL_AGENT)
    csrf = session_csrf(client)
    no_scope = client.post("/account/tokens", data={"name": "keep me", "csrf_token": csrf})
    assert no_scope.status_code == 422 and "Choose at least one scope." in no_scope.text
    assert 'value="keep me"' in no_scope.text
    bad_days = client.post("/account/tokens", data={"name": "x", "scopes": "read", "expires_days": "0",
                                                    "csrf_token": csrf})
    assert bad_days.status_code == 422 and "whole number of days" in bad_days.text
    no_name = client.post("/account/tokens", data={"name": " ", "scopes": "read", "csrf_token": csrf})
    assert no_name.status_code == 422 and "A token needs a name." in no_name.text


def test_empty_state_when_there_are_no_tokens(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.PARTNER)
    assert "You have no API tokens." in client.get("/account/tokens").text
