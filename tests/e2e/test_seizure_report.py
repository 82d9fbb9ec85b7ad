"""The seizure statistics in a real browser: an officer seizes a targeted line, opens the report for the
current fiscal year and sees that seizure counted; the PDF and CSV downloads work. Screenshots go to
PATHWAYS_SCREENSHOTS when set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pathways.core.clock import fiscal_year, utcnow
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, open_page, screenshots

pytestmark = pytest.mark.e2e


shot = screenshots("seizures")


def _count(page: Page) -> int:
    return int(page.locator("#fig-seizures").inner_text().replace(",", ""))


def test_a_seizure_from_the_targeting_queue_is_counted_in_the_report(live_server: LiveServer, browser: Any) -> None:
    fy = fiscal_year(utcnow().date())
    context, page, errors = open_page(browser)
    log_in(page, live_server, "officer")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Seizure statistics").click()
    expect(page.get_by_role("heading", name=re.compile(r"IPR seizure statistics, FY\d{4}"))).to_be_visible()
    page.goto(f"{live_server.url}/seizures/report?fy={fy}")  # the current year, where today's seizure counts
    expect(page.get_by_role("heading", name=f"IPR seizure statistics, FY{fy}")).to_be_visible()
    before = _count(page)

    nav.get_by_role("link", name="Targeting").click()
    page.locator("#queue tbody tr").first.get_by_role("link").first.click()
    page.get_by_label("Seize as counterfeit").check()
    page.get_by_label("Note").fill("counterfeit watches")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#status")).to_have_text("Seized as counterfeit")
    number = page.locator("#seizure-link").inner_text().strip()
    assert number.startswith("SZ ")

    page.goto(f"{live_server.url}/seizures/report?fy={fy}")
    expect(page.locator("#fig-seizures")).to_have_text(f"{before + 1:,}")
    expect(page.locator("#section-trend")).to_contain_text(f"FY{fy}")
    if before + 1 <= 10:  # every seizure of the year is among the notable ones
        expect(page.locator("#section-notable")).to_contain_text(number)
    for section in ("category", "origin", "mode", "ports", "trend", "notable"):
        expect(page.locator(f"#section-{section} svg")).to_be_visible()
    shot(page, "report")

    pdf = page.request.get(f"{live_server.url}/seizures/report.pdf?fy={fy}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    csv_text = page.request.get(f"{live_server.url}/seizures/report.csv?fy={fy}").text()
    total = next(line for line in csv_text.splitlines() if f"{fy},total," in line)
    assert total.split(",")[4] == str(before + 1)
    assert not errors
    context.close()
