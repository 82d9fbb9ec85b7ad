"""Users and offices: the table sorts, filters and pages on the server; admins create and unlock."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD, unique
from tests.web.conftest import login, session_csrf


def usernames(html: str) -> list[str]:
    return re.findall(r'<td class="mono">([^<]+)</td>', html)


def make_batch(cli_viewer: Viewer, prefix: str, n: int) -> list[str]:
    names = [f"{prefix}-{i:02d}" for i in range(n)]
    with unit_of_work(cli_viewer) as session:
        for i, name in enumerate(names):
            identity.create_user(session, cli_viewer, username=name, password=PASSWORD,
                                 roles=frozenset({Role.BORDER_OFFICER if i % 2 else Role.SPECIAL_AGENT}),
                                 display_name=f"Person {n - i:02d}")
    return names


def test_users_table_filters_sorts_and_pages(client: TestClient, signed_in: Callable, cli_viewer: Viewer) -> None:
    signed_in(Role.SUPERVISOR)
    prefix = unique("batch")
    names = make_batch(cli_viewer, prefix, 12)

    first = client.get("/admin/users", params={"q": prefix, "per_page": 10})
    assert usernames(first.text) == names[:10]
    assert "Showing 1–10 of 12" in first.text and "Page 1 of 2" in first.text
    second = client.get("/admin/users", params={"q": prefix, "per_page": 10, "page": 2})
    assert usernames(second.text) == names[10:]

    by_name_desc = client.get("/admin/users", params={"q": prefix, "sort": "name", "dir": "desc"})
    assert usernames(by_name_desc.text) == names  # "Person 12" … "Person 01"
    assert 'aria-sort="descending"' in by_name_desc.text

    agents = client.get("/admin/users", params={"q": prefix, "role": "special_agent"})
    assert usernames(agents.text) == names[0::2]

    nothing = client.get("/admin/users", params={"q": prefix + "-nobody"})
    assert "No users match these filters." in nothing.text and "Clear the filters" in nothing.text

    nonsense = client.get("/admin/users", params={"q": prefix, "sort": "password_hash", "page": "x",
                                                 "per_page": "9999", "role": "emperor"})
    assert nonsense.status_code == 200 and usernames(nonsense.text) == names  # falls back to defaults


def test_only_admins_get_the_create_form(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.AUDITOR)
    page = client.get("/admin/users").text
    assert "Add a user" not in page
    assert client.get("/admin/users/new").status_code == 403


def test_admin_creates_a_user_who_can_then_log_in(client: TestClient, signed_in: Callable,
                                                  offices_loaded: None, new_client: Callable) -> None:
    signed_in(Role.ADMIN)
    csrf = session_csrf(client)
    form = client.get("/admin/users/new").text
    assert 'value="SAC-HOU"' in form and 'value="special_agent"' in form and 'value="public"' not in form

    name = unique("newhire")
    short = client.post("/admin/users/new", data={"username": name, "password": "short", "roles": "special_agent",
                                                  "csrf_token": csrf})
    assert short.status_code == 422 and "at least 12 characters" in short.text and f'value="{name}"' in short.text
    no_role = client.post("/admin/users/new", data={"username": name, "password": PASSWORD, "csrf_token": csrf})
    assert no_role.status_code == 422 and "A user needs at least one role." in no_role.text

    created = client.post("/admin/users/new", data={
        "username": name, "display_name": "Nia Hire", "email": "nia@example.test", "password": PASSWORD,
        "roles": ["special_agent", "intelligence_analyst"], "office_code": "SAC-HOU", "csrf_token": csrf,
    })
    assert created.status_code == 303
    listing = client.get(created.headers["location"]).text
    assert f"User {name} is created." in listing and "Nia Hire" in listing and "SAC-HOU" in listing

    again = client.post("/admin/users/new", data={"username": name, "password": PASSWORD,
                                                  "roles": "special_agent", "csrf_token": csrf})
    assert again.status_code == 422 and "already exists" in again.text

    newbie = new_client()
    login(newbie, name)
    assert "Nia Hire" in newbie.get("/").text


def test_offices_table_shows_what_each_office_covers(client: TestClient, signed_in: Callable,
                                                     offices_loaded: None) -> None:
    signed_in(Role.SPECIAL_AGENT)
    page = client.get("/admin/offices")
    assert page.status_code == 200
    assert "SAC Houston" in page.text and "TX (" in page.text
    assert "Attaché Mexico City" in page.text and "Mexico" in page.text
    assert "HQ triage" in page.text
    assert "Reload from data file" not in page.text  # only administrators reload

    attaches = client.get("/admin/offices", params={"kind": "attache_office"}).text
    assert "Attaché Mexico City" in attaches and "SAC Houston" not in attaches
    search = client.get("/admin/offices", params={"q": "guatemala"}).text
    assert "ATT-GUA" in search and "SAC-HOU" not in search
    assert client.post("/admin/offices/reload", data={"csrf_token": session_csrf(client)}).status_code == 403


def test_admin_reloads_offices_from_the_data_file(client: TestClient, signed_in: Callable,
                                                  offices_loaded: None) -> None:
    signed_in(Role.ADMIN)
    response = client.post("/admin/offices/reload", data={"csrf_token": session_csrf(client)})
    assert response.status_code == 303
    page = client.get("/admin/offices").text
    assert "Offices reloaded from the data file: 0 added, 0 changed" in page
