"""Page tests: the real app over the conftest database, driven as a browser would (forms, cookies)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from pathways.api.app import create_app
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(), follow_redirects=False) as c:
        yield c


@pytest.fixture()
def new_client(database_url: str) -> Callable[[], TestClient]:
    """More browsers, each with its own cookies."""

    def make() -> TestClient:
        return TestClient(create_app(), follow_redirects=False)

    return make


@pytest.fixture()
def offices_loaded(cli_viewer: Viewer) -> None:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)


def form_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def post_login(client: TestClient, username: str, password: str = PASSWORD, next: str = "/") -> httpx.Response:
    page = client.get("/login", params={"next": next})
    assert page.status_code == 200
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": form_token(page.text), "next": next})


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = post_login(client, username, password)
    assert response.status_code == 303, response.text


def session_csrf(client: TestClient) -> str:
    """The signed-in session's CSRF token, as every form on a page carries it."""
    page = client.get("/account/tokens")
    assert page.status_code == 200
    return form_token(page.text)


@pytest.fixture()
def signed_in(client: TestClient, make_user: Callable[..., tuple[str, Viewer]]) -> Callable[..., str]:
    """Log the ``client`` in as a new user with ``roles``; returns the username."""

    def sign_in(*roles: Role) -> str:
        username, _viewer = make_user(*roles)
        login(client, username)
        return username

    return sign_in
