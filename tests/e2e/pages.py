"""What the browser tests share: logging in and out, and screenshots for a person to look at."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import LiveServer


def open_page(browser: Any) -> tuple[BrowserContext, Page, list[str]]:
    """A desktop-sized page, and the list that collects its script errors (a test ends asserting it empty)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def log_in(page: Page, server: LiveServer, username: str = "admin") -> None:
    page.goto(server.url + "/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(server.demo_password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def screenshot(page: Page, name: str, prefix: str) -> None:
    """Written only when PATHWAYS_SCREENSHOTS names a folder."""
    folder = os.environ.get("PATHWAYS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{prefix}-{name}.png"), full_page=True)


def screenshots(prefix: str) -> Callable[[Page, str], None]:
    return functools.partial(screenshot, prefix=prefix)
