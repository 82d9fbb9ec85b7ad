"""Errors: pages get an HTML page, /api keeps RFC 9457 problem details."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from pathways.core.policy import Role


def test_api_errors_stay_problem_json(client: TestClient) -> None:
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    anonymous = client.get("/api/audit/events")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    invalid = client.get("/api/audit/events", params={"limit": "many"}, headers={"Authorization": "Bearer x"})
    assert invalid.headers["content-type"] == "application/problem+json"


def test_api_errors_for_a_signed_in_browser_stay_problem_json(client: TestClient, signed_in: Callable) -> None:
    signed_in(Role.BORDER_OFFICER)
    forbidden = client.get("/api/audit/events")
    assert forbidden.status_code == 403 and forbidden.headers["content-type"] == "application/problem+json"


def test_page_errors_are_html(client: TestClient, signed_in: Callable) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Page not found" in missing.text and 'href="/"' in missing.text

    username = signed_in(Role.AUDITOR)
    signed_in_404 = client.get("/no/such/page")
    assert signed_in_404.status_code == 404 and "Audit log" in signed_in_404.text  # header and nav still there
    assert username not in missing.text

    wrong_method = client.delete("/audit")
    assert wrong_method.status_code == 405 and "text/html" in wrong_method.headers["content-type"]


def test_pages_send_security_headers(client: TestClient) -> None:
    page = client.get("/login")
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_static_and_local_assets_are_served(client: TestClient) -> None:
    assert client.get("/static/pathways.css").status_code == 200
    htmx = client.get("/assets/htmx.org/dist/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text
    assert client.get("/assets/htmx.org/package.json").status_code == 404  # only built files
    assert client.get("/assets/htmx.org/dist/%2E%2E/package.json").status_code == 404
    assert '<script src="/assets/htmx.org/dist/htmx.min.js" defer></script>' in client.get("/").text


def test_pages_work_without_node_modules(database_url: str, tmp_path, monkeypatch) -> None:
    from pathways.api.app import create_app
    from pathways.core.settings import reset_settings

    monkeypatch.setenv("PATHWAYS_ASSETS_DIR", str(tmp_path / "missing"))
    reset_settings()
    try:
        bare = TestClient(create_app())
        home = bare.get("/")
        assert home.status_code == 200 and "htmx" not in home.text
        assert bare.get("/login").status_code == 200
        assert bare.get("/assets/htmx.org/dist/htmx.min.js").status_code == 404
    finally:
        monkeypatch.delenv("PATHWAYS_ASSETS_DIR")
        reset_settings()
