"""Each role sees the navigation and pages it may use; others get the login page or a 403 page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD, unique
from tests.web.conftest import login


def nav_labels(html: str) -> list[str]:
    nav = html.split('<nav class="main-nav" aria-label="Main">', 1)
    if len(nav) < 2:
        return []
    return re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', nav[1].split("</nav>", 1)[0])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, ["Home", "IPR search", "Recordation review", "Hit rate", "Seizure statistics", "Detentions",
                      "Tips", "Tip queues", "Entities", "Review", "Users", "Offices", "Audit log", "API tokens"]),
        (Role.AUDITOR, ["Home", "IPR search", "Users", "Offices", "Audit log", "API tokens"]),
        (Role.SUPERVISOR, ["Home", "IPR search", "Recordation review", "Targeting", "Hit rate", "Seizure statistics",
                           "Detentions", "Tips", "Tip queues", "Entities", "Review", "Users", "Offices", "API tokens"]),
        (Role.BORDER_OFFICER, ["Home", "IPR search", "Recordation review", "Targeting", "Seizure statistics",
                              "Detentions", "Offices", "API tokens"]),
        (Role.RIGHTS_OWNER, ["Home", "IPR search", "My recordations", "Seizure notices", "API tokens"]),
        (Role.PARTNER, ["Home", "IPR search", "API tokens"]),
    ],
)
def test_navigation_follows_the_role(client: TestClient, signed_in: Callable, role: Role,
                                     expected: list[str]) -> None:
    signed_in(role)
    assert nav_labels(client.get("/").text) == expected


def test_header_shows_name_role_and_office(client: TestClient, cli_viewer: Viewer,
                                           offices_loaded: None) -> None:
    username = unique("hdr")
    with unit_of_work(cli_viewer) as session:
        identity.create_user(session, cli_viewer, username=username, password=PASSWORD,
                             roles=frozenset({Role.SPECIAL_AGENT}), office_code="SAC-HOU", display_name="Rosa Delgado")
    login(client, username)
    header = client.get("/").text.split("</header>", 1)[0]
    assert "Rosa Delgado" in header and "Special agent" in header and "SAC Houston" in header


def test_auditor_opens_the_audit_log_with_its_marking_banner(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.AUDITOR)
    page = client.get("/audit")
    assert page.status_code == 200 and "<h1>Audit log</h1>" in page.text
    assert 'class="marking marking-unclassified"' in page.text
    assert "UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE" in page.text


def test_officer_is_forbidden_from_admin_and_audit_pages(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.BORDER_OFFICER)
    for path in ("/audit", "/admin/users", "/admin/users/new"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "text/html" in response.headers["content-type"]
        assert "Forbidden" in response.text and "Traceback" not in response.text


def test_anonymous_visitors_see_only_public_pages(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and 'href="/login"' in home.text
    assert nav_labels(home.text) == []
    assert 'href="/registry/search"' in home.text  # public pages are offered on the landing page
    assert 'href="/audit"' not in home.text
    for path in ("/audit", "/admin/users", "/admin/offices", "/account/tokens"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login?next=" + path


def test_htmx_request_after_the_session_ended_is_redirected_by_header(client: TestClient) -> None:
    response = client.get("/audit", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/login?next=/audit"
