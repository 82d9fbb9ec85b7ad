"""A real server on a free port over a fresh demo database, and a headless Chromium to drive it.

The demo is set up by ``pathways.demo.setup_demo()`` in a subprocess, and the server is the real
``pathways serve``; both get their own PATHWAYS_VAR_DIR and PATHWAYS_DATABASE_URL. On
PATHWAYS_TEST_DATABASE=postgresql the demo lives in a PostgreSQL database of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import _create_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@dataclass
class LiveServer:
    url: str
    var_dir: Path
    database_url: str = ""

    @property
    def demo_password(self) -> str:
        text = (self.var_dir / "demo-login.txt").read_text()
        return text.split("password:", 1)[1].strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("e2e")
    url, drop = _create_database(tmp)
    var_dir = tmp / "var"
    env = {**os.environ, "PATHWAYS_VAR_DIR": str(var_dir), "PATHWAYS_DATABASE_URL": url,
           "PATHWAYS_SECRET_KEY": "e2e-secret-key"}
    subprocess.run([sys.executable, "-c", "from pathways.demo import setup_demo; setup_demo()"],
                   env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "pathways.cli", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + (tmp / "server.log").read_text())
            time.sleep(0.2)
        yield LiveServer(base, var_dir, url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        drop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
