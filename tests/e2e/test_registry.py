"""The registry in a real browser: a rights owner files and sees the fee, an officer approves, the public
finds it, and a look-alike search finds it too. Screenshots go to PATHWAYS_SCREENSHOTS when set."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import log_in, log_out, open_page, screenshots

pytestmark = pytest.mark.e2e


shot = screenshots("registry")


def test_file_approve_publish_and_find_a_look_alike(live_server: LiveServer, browser: Any) -> None:
    word = "".join(ch for ch in uuid.uuid4().hex.upper() if ch.isalpha())[:3].ljust(3, "Q")
    mark = f"VELTRANO {word}ISSIMO"
    context, page, errors = open_page(browser)

    # The rights owner files a recordation and sees the fee before submitting.
    log_in(page, live_server, "owner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My recordations").click()
    page.get_by_role("link", name="File a new recordation").click()
    page.get_by_label("Registration number").fill(f"IT-{word}-2024")
    page.get_by_label("Registration expires").fill("2034-06-30")
    page.get_by_label("Mark (word mark").fill(mark)
    page.get_by_label("Owner name").fill("Veltrano Holdings S.p.A.")
    page.get_by_label("Owner country").fill("IT")
    page.get_by_label("International classes and goods").fill("18: handbags; wallets\n25: footwear")
    page.get_by_label("Authorized manufacturers and licensees").fill("Pelletteria Nord | IT | manufacturer | handbags")
    page.get_by_label("Product identification guide").fill("Please seize every bag without a serial tag.")
    page.get_by_role("button", name="Review and see the fee").click()
    expect(page.get_by_role("alert")).to_contain_text("may not instruct officers to detain or seize")
    page.get_by_label("Product identification guide").fill("Genuine bags carry a stitched serial tag inside.")
    page.get_by_role("button", name="Review and see the fee").click()
    expect(page.locator("#fee")).to_contain_text("380 USD (2 classes × 190 USD)")
    shot(page, "file-fee")
    page.get_by_role("button", name=re.compile("^Submit and pay")).click()
    expect(page.locator(".flash")).to_contain_text("fee 380 USD")
    expect(page.locator("#status")).to_contain_text("Pending")
    shot(page, "manage")
    number = re.search(r"(TMK \d{2}-\d{5})", page.locator("h1").inner_text())
    assert number is not None
    log_out(page)

    # Not public yet.
    page.goto(live_server.url + f"/registry?q={word}ISSIMO")
    expect(page.get_by_role("heading", name="0 recordations")).to_be_visible()

    # An import specialist approves it.
    log_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recordation review").click()
    card = page.locator("section.panel", has_text=mark)
    shot(page, "review")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash")).to_contain_text(f"Approved: new recordation of {number.group(1)}")

    # A look-alike search finds it: Cyrillic letters, a digit for a letter, one edit.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="IPR search").click()
    page.get_by_label("Mark, owner, or record number").fill(f"VЕLTR4NO {word}ISIMO")
    page.get_by_label("Look-alike marks").check()
    page.get_by_role("button", name="Search").click()
    first = page.locator("#results tbody tr").first
    expect(first).to_contain_text(mark)
    expect(first).to_contain_text("character edit")
    shot(page, "similar")
    log_out(page)

    # The public finds it, with public fields only.
    page.goto(live_server.url + f"/registry?q={word}ISSIMO")
    expect(page.locator("#results tbody tr").first).to_contain_text(mark)
    shot(page, "public")
    page.get_by_role("link", name=number.group(1)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(mark)
    expect(page.get_by_text("Pelletteria Nord")).to_have_count(0)
    shot(page, "public-detail")

    # The owner sees the decision in the portal.
    log_in(page, live_server, "owner")
    page.goto(live_server.url + "/registry/portal")
    expect(page.locator("#notices")).to_contain_text(f"{number.group(1)} ({mark}) was approved")
    shot(page, "portal")
    assert errors == []
    context.close()
