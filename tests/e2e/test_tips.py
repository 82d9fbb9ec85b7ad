"""Tips in a real browser: an anonymous tipster reports and gets a receipt, a second report of the same
event is bundled with it, the field office accepts the referral, the tipline unit asks a question that
reaches the tipster through the receipt, the answer comes back, and a supervisor splits a report out
of the bundle. Screenshots go to
PATHWAYS_SCREENSHOTS when set."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, screenshots

pytestmark = pytest.mark.e2e


shot = screenshots("tips")


def report(page: Page, server: LiveServer, narrative: str) -> tuple[str, str]:
    page.goto(f"{server.url}/tips/report")
    page.get_by_label("What is it about?").select_option("counterfeit_goods")
    page.get_by_label("What happened?").fill(narrative)
    page.get_by_label("ZIP code").fill("77093")
    shot(page, "report-form")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your report was received")
    return page.locator("#receipt-code").inner_text(), page.locator("#receipt-passphrase").inner_text()


def test_anonymous_report_bundled_routed_accepted_and_a_question_answered(live_server: LiveServer,
                                                                          browser: Any) -> None:
    item = uuid.uuid4().int % 90000 + 10000
    url = f"https://veltrano-outlet{item % 97}.example/p/{item}"
    errors: list[str] = []

    tipster = browser.new_context(viewport={"width": 1280, "height": 900})
    page = tipster.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    code, passphrase = report(page, live_server, f"The website {url} sells fake VELTRANO handbags from a "
                                                 "storage unit in Houston. Please act quickly.")
    shot(page, "receipt")

    other = browser.new_context().new_page()
    report(other, live_server, f"Hello, fake VELTRANO bags are sold as real on {url} - seller is in Houston.")

    # The special agent at SAC Houston sees the bundle of two in the office queue and accepts it.
    staff = browser.new_context(viewport={"width": 1366, "height": 900})
    agent = staff.new_page()
    log_in(agent, live_server, "agent")
    agent.get_by_role("navigation", name="Main").get_by_role("link", name="Tip queues").click()
    shot(agent, "queue")
    row = agent.locator("#queue-table tbody tr").filter(has_text="counterfeit goods").filter(has_text="SAC-HOU").first
    expect(row).to_be_visible()
    agent.goto(f"{live_server.url}/tips?q={item}")
    agent.locator("tbody a").first.click()
    expect(agent.locator("#tip-office")).to_have_text("SAC-HOU")
    agent.locator("#tip-bundle").click()
    expect(agent.locator("#bundle-count")).to_have_text("2")
    expect(agent.locator("#bundle-tips tbody tr")).to_have_count(2)
    agent.get_by_role("button", name="Accept").click()
    expect(agent.locator("#referral-status")).to_have_text("accepted")
    shot(agent, "bundle-accepted")
    staff.close()

    # The tipline unit asks the tipster a question through the receipt.
    unit = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(unit, live_server, "tipline")
    unit.goto(f"{live_server.url}/tips?q={item}")
    unit.locator("tbody a").last.click()
    if unit.locator("#f-body").count() == 0:  # the other report of the bundle holds this receipt
        unit.go_back()
        unit.locator("tbody a").first.click()
    unit.get_by_label("Ask the tipster").fill("Which storage facility, and on which days?")
    unit.get_by_role("button", name="Send question").click()
    expect(unit.locator(".flash")).to_contain_text("Question sent")

    # The tipster comes back with the receipt, reads the question and answers it.
    page.goto(f"{live_server.url}/tips/receipt")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Open").click()
    expect(page.locator("#messages")).to_contain_text("Which storage facility")
    page.get_by_label("Your answer or more information").fill("Unit 14 on Aldine Road, on Saturdays.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Unit 14 on Aldine Road")
    shot(page, "receipt-answer")

    unit.reload()
    expect(unit.locator("#messages")).to_contain_text("Unit 14 on Aldine Road")
    shot(unit, "tip-page")

    # A supervisor judges one report to be another event and splits it out of the bundle.
    boss = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(boss, live_server, "supervisor")
    boss.goto(f"{live_server.url}/tips?q={item}")
    boss.locator("tbody a").first.click()
    boss.locator("#tip-bundle").click()
    boss.get_by_label("Why it is another event").last.fill("a different seller")
    boss.get_by_role("button", name="Split out").last.click()
    expect(boss.locator(".flash")).to_contain_text("a bundle of its own")
    expect(boss.locator("#bundle-count")).to_have_text("1")
    shot(boss, "bundle-split")
    assert not errors
