"""An anonymous report through the real server leaves the tipster's address nowhere: not in the
server's log, not in any table."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import String, Text, create_engine, select

from pathways.core.policy import Viewer
from pathways.identity import service as identity
from pathways.store.models import load_all_models
from pathways.store.session import unit_of_work

TIPSTER_ADDRESS = "127.0.0.77"  # a loopback address of its own, so any trace of it is the tipster's


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _traces(url: str, needle: str) -> list[str]:
    engine = create_engine(url)
    found = []
    try:
        with engine.connect() as conn:
            for table in load_all_models().sorted_tables:
                cols = [c for c in table.columns if isinstance(c.type, String | Text)]
                if not cols:
                    continue
                for row in conn.execute(select(*cols)):
                    found += [f"{table.name}.{c.name}" for c, v in zip(cols, row, strict=True) if v and needle in v]
    finally:
        engine.dispose()
    return found


def test_a_public_report_leaves_no_client_address_in_logs_or_tables(database_url: str, cli_viewer: Viewer,
                                                                    tmp_path: Path) -> None:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    port = _free_port()
    env = {**os.environ, "PATHWAYS_DATABASE_URL": database_url, "PATHWAYS_SECRET_KEY": "anonymity-test"}
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "pathways.cli", "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10,
                                  transport=httpx.HTTPTransport(local_address=TIPSTER_ADDRESS))
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            r = client.post("/tips/report", data={"narrative": "Fake VELTRANO watches sold from a van on Main St.",
                                                  "zip": "33129", "website": ""})
            assert r.status_code == 200 and 'id="receipt-code"' in r.text
        finally:
            server.terminate()
            server.wait(timeout=15)
    assert TIPSTER_ADDRESS not in log_path.read_text()
    assert _traces(database_url, TIPSTER_ADDRESS) == []
