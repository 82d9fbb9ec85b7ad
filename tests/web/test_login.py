"""Logging in and out through the login form: cookies, messages, lockout, login CSRF, ``next``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from pathways.core.policy import Role
from pathways.core.settings import get_settings
from tests.conftest import PASSWORD
from tests.web.conftest import form_token, login, post_login, session_csrf


def test_login_sets_a_session_cookie_and_lands_on_the_dashboard(client: TestClient, make_user: Callable) -> None:
    username, _ = make_user(Role.SPECIAL_AGENT)
    response = post_login(client, username)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("pw_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Max-Age={get_settings().session_hours * 3600}" in cookie
    assert "Secure" not in cookie  # cookie_secure is off by default; on behind HTTPS
    home = client.get("/")
    assert home.status_code == 200
    assert "<h1>Dashboard</h1>" in home.text
    assert "Special agent" in home.text and username in home.text


def test_wrong_password_says_so_without_telling_which_part_was_wrong(client: TestClient,
                                                                      make_user: Callable) -> None:
    username, _ = make_user(Role.SPECIAL_AGENT)
    wrong = post_login(client, username, "not the password")
    unknown = post_login(client, "nobody-" + username, "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert "pw_session" not in response.headers.get("set-cookie", "")
    assert "Dashboard" not in client.get("/").text


def test_lockout_after_repeated_failures_refuses_even_the_right_password(
    client: TestClient, make_user: Callable, signed_in: Callable, new_client: Callable
) -> None:
    username, _ = make_user(Role.BORDER_OFFICER)
    for _ in range(get_settings().lockout_threshold):
        assert post_login(client, username, "guess").status_code == 401
    locked = post_login(client, username, PASSWORD)
    assert locked.status_code == 423
    assert "locked" in locked.text and "Try again later" in locked.text
    assert "pw_session" not in locked.headers.get("set-cookie", "")

    admin = new_client()
    admin_name, _ = make_user(Role.ADMIN)
    login(admin, admin_name)
    users = admin.get("/admin/users", params={"q": username})
    assert "Locked" in users.text and f"/admin/users/{username}/unlock" in users.text
    unlocked = admin.post(f"/admin/users/{username}/unlock", data={"csrf_token": session_csrf(admin)})
    assert unlocked.status_code == 303
    assert post_login(client, username, PASSWORD).status_code == 303


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(client: TestClient,
                                                                     make_user: Callable) -> None:
    username, _ = make_user(Role.AUDITOR)
    login(client, username)
    old_cookie = client.cookies.get("pw_session")
    token = session_csrf(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert 'pw_session=""' in response.headers.get("set-cookie", "")
    page = client.get("/login")
    assert "You are logged out." in page.text

    replay = TestClient(client.app, follow_redirects=False, cookies={"pw_session": old_cookie})
    again = replay.get("/audit")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_logout_without_the_csrf_token_is_refused(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.AUDITOR)
    refused = client.post("/logout")
    assert refused.status_code == 403
    assert client.get("/audit").status_code == 200  # still signed in


def test_login_form_needs_its_csrf_cookie(client: TestClient, make_user: Callable,
                                          new_client: Callable) -> None:
    username, _ = make_user(Role.AUDITOR)
    page = client.get("/login")
    token = form_token(page.text)

    other = new_client()  # a browser that never loaded our login page (a forged cross-site post)
    forged = other.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert forged.status_code == 403
    assert "text/html" in forged.headers["content-type"]
    assert "The login form has expired or did not come from this site" in forged.text
    assert "pw_session" not in forged.headers.get("set-cookie", "")

    tampered = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": "x" + token})
    assert tampered.status_code == 403
    ok = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 303


def test_next_goes_back_to_the_page_but_never_off_site(client: TestClient, make_user: Callable) -> None:
    username, _ = make_user(Role.AUDITOR)
    redirect = client.get("/audit?actor=x")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/login?next=/audit%3Factor%3Dx"
    assert post_login(client, username, next="/audit?actor=x").headers["location"] == "/audit?actor=x"

    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        fresh = TestClient(client.app, follow_redirects=False)
        assert post_login(fresh, username, next=evil).headers["location"] == "/"


def test_signed_in_user_visiting_login_is_sent_on(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.SUPERVISOR)
    response = client.get("/login", params={"next": "/admin/users"})
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"


