"""Online intake: single tips through ``POST /api/tips`` at a sustained 100 per second for 60 seconds,
on loopback, against a store that already holds 1,000,000 tips; on SQLite and on PostgreSQL.

The store is the large world's 1,000,000 tips bulk-imported by ``bench/tips_bulk.py`` and cached
per seed and database (``bench/tips_store.py``); it is built only when missing. Each request carries
a real tip from a small world (new external_id, received now), so extraction, the key-index look-ups
among the million, bundling, priority, routing, mentions and the audit chain all run per request.
Open loop: request i is sent at t0 + i/rate whatever the earlier ones did, so latency includes
queueing.

Writes bench/results/tips_intake.json. Usage: ``.venv/bin/python bench/tips_intake.py [--seed 1]
[--rate 100] [--seconds 60] [--no-postgres] [--no-sqlite]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tips_store  # noqa: E402  (a sibling script)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_token() -> str:
    from pathways.core.policy import Role, system_viewer
    from pathways.identity import service as identity
    from pathways.store.session import unit_of_work

    with unit_of_work(system_viewer("bench")) as s:
        viewer = system_viewer("bench", identity.agency(s).id)
        user = identity.create_user(s, viewer, username=f"bench-{uuid.uuid4().hex[:6]}",
                                    password="bench password long enough", roles=frozenset({Role.TIPLINE_OPERATOR}))
        v = identity.viewer_for(s, user, "bench")
    with unit_of_work(v) as s:
        secret, _ = identity.create_token(s, v, "bench", "read,write")
    return secret


async def drive(port: int, token: str, records: list[dict[str, Any]], rate: float, seconds: float) -> dict[str, Any]:
    n = int(rate * seconds)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def one(i: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            rec = dict(records[i % len(records)])
            rec["external_id"] = f"BENCH-{uuid.uuid4().hex}"
            rec["received_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            t = time.perf_counter()
            try:
                r = await client.post("/api/tips", json=rec)
                key = str(r.status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            latencies.append(time.perf_counter() - t)
            if key != "201":
                errors[key] = errors.get(key, 0) + 1

        t0 = time.perf_counter() + 0.5
        await asyncio.gather(*(one(i, t0 + i / rate) for i in range(n)))
        elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    return {"requests": n, "seconds": round(elapsed, 1), "achieved_per_second": round(n / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 1),
            "errors": errors}


def run(key: str, url: str, var_dir: Path, rate: float, seconds: float, seed: int, built_s: float,
        workers: int = 2) -> dict[str, Any]:
    os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = str(var_dir)
    from pathways.core.settings import reset_settings
    from pathways.store import migrate
    from pathways.store.engine import dispose_engines

    reset_settings()
    dispose_engines()
    migrate.upgrade()
    store_tips = tips_store.tip_count(url)
    token = make_token()
    dispose_engines()
    world = Path(tempfile.mkdtemp(prefix="pathways-bench-world-"))
    subprocess.run([sys.executable, "-m", "pathways.cli", "world", "generate", "--seed", "11", "--scale", "tiny",
                    "--out", str(world), "--format", "csv"], check=True, capture_output=True)
    records = [json.loads(line) for line in (world / "tips.jsonl").open()]
    port = free_port()
    env = {**os.environ, "PATHWAYS_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "pathways.cli", "serve", "--port", str(port), "--workers",
                               str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        result = asyncio.run(drive(port, token, records, rate, seconds))
        load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        hwm = _peak_rss_kib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result.update({"database": key, "store_tips": store_tips, "store_build_seconds": round(built_s, 1),
                   "rate_target": rate, "store": f"the large world's tips (seed {seed}), bulk-imported",
                   "server_workers": workers, "server_peak_rss_mib": round(hwm / 1024, 1),
                   "load_before": load_before,
                   "load_after": load_after})
    return result


def _peak_rss_kib(pid: int) -> int:
    """The server's peak resident memory: its own and its worker processes' (VmHWM, summed)."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            total += next((int(line.split()[1]) for line in status.read_text().splitlines()
                           if line.startswith("VmHWM")), 0)
    return total


def ensure_store(database: str, seed: int) -> tuple[str, float]:
    """The cached store of this seed, bulk-imported now if it is missing or partial."""
    url = tips_store.store_url(database, seed)
    if tips_store.tip_count(url) >= 1_000_000:
        return url, 0.0
    tips_store.recreate(url)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "tips_bulk.py"), "--seed", str(seed)]
                   + (["--postgres"] if database == "postgresql" else []), check=True)
    return url, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1, help="the large world whose tips fill the store")
    ap.add_argument("--rate", type=float, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    args = ap.parse_args()
    out = HERE / "results" / "tips_intake.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    for database, skip in (("sqlite", args.no_sqlite), ("postgresql", args.no_postgres)):
        if skip:
            continue
        url, built = ensure_store(database, args.seed)
        tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-intake-"))
        try:
            data[database] = run(database, url, tmp / "var", args.rate, args.seconds, args.seed, built,
                                 args.workers)
        finally:
            from pathways.store.engine import dispose_engines

            dispose_engines()
        print(json.dumps(data[database], indent=2))
        data["python"], data["machine"], data["cpus"] = platform.python_version(), platform.machine(), os.cpu_count()
        out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
