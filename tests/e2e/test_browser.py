"""Click through the real pages in headless Chromium: log in, tokens, audit log, verify, log out."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, open_page

pytestmark = pytest.mark.e2e


def test_admin_logs_in_makes_a_token_checks_the_audit_log_and_logs_out(live_server: LiveServer,
                                                                       browser: Any) -> None:
    context, page, errors = open_page(browser)

    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator(".who-name")).to_have_text("Demo administrator")
    expect(page.locator(".who-meta")).to_contain_text("Administrator")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("e2e script")
    page.get_by_label(re.compile("^write")).check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Token “e2e script” is created")).to_be_visible()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("pw_")
    me = httpx.get(live_server.url + "/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "admin"
    expect(page.get_by_role("cell", name="e2e script", exact=True)).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    expect(page.locator(".marking").first).to_have_text("UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE")
    page.get_by_label("Actor").fill("admin")
    page.get_by_label("Action").select_option("login")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"action=login"))  # HTMX swapped the table and kept the address
    rows = page.locator("table.data tbody tr")
    expect(rows.first).to_contain_text("login")
    expect(rows.first).to_contain_text("admin")

    page.get_by_role("button", name="Verify chain").click()
    expect(page.locator("#chain-result")).to_contain_text("Chain intact")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto(live_server.url + "/audit")
    expect(page).to_have_url(re.compile(r"/login\?next=/audit"))
    assert errors == []
    context.close()


def test_tables_sort_and_page_in_place(live_server: LiveServer, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.goto(live_server.url + "/admin/offices?per_page=10")
    first = page.locator("table.data tbody tr").first
    expect(first).to_contain_text("ATT-")
    page.evaluate("window.stillHere = true")  # survives only if HTMX swaps the table, not a reload
    page.get_by_role("link", name=re.compile("^Code")).click()  # sort by code, descending now
    expect(page).to_have_url(re.compile(r"sort=code&dir=desc"))
    expect(first).to_contain_text("SAC-")
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    assert page.evaluate("window.stillHere") is True
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=code&dir=desc"))
    expect(first).to_contain_text("SAC-")
    context.close()


def test_pages_work_without_javascript(live_server: LiveServer, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "auditor")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.goto(live_server.url + "/audit")
    page.get_by_role("button", name="Verify chain").click()
    expect(page.get_by_text("Chain intact")).to_be_visible()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    page.goto(live_server.url + "/admin/offices")
    expect(page.get_by_role("heading", name="Offices")).to_be_visible()
    context.close()


def test_wrong_role_and_unknown_pages_get_error_pages(live_server: LiveServer, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, "officer")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
    response = page.goto(live_server.url + "/audit")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
    response = page.goto(live_server.url + "/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    context.close()
