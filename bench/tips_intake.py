"""Online intake: single tips through ``POST /api/tips`` at a sustained 100 per second for 60 seconds,
on loopback, against a store that already holds 1,000,000 tips; on SQLite and on PostgreSQL.

The store is filled fast with Core inserts (tips with their bundles, referrals and dedup keys, one
audit ``load`` event), not through the intake path. Each request then carries a real tip from a small
world (new external_id, received now), so extraction, the key-index lookups among the million, the
bundling, priority, routing, mentions and the audit chain all run per request. Open loop: request i
is sent at t0 + i/rate whatever the earlier ones did, so latency includes queueing.

Writes bench/results/tips_intake.json. Usage: ``.venv/bin/python bench/tips_intake.py [--fill 1000000]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_ADMIN = os.environ.get("PATHWAYS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fill(n: int) -> float:
    """n tips, n bundles and referrals, 4 keys per tip, straight into the tables; returns seconds."""
    import random

    from sqlalchemy import insert

    from pathways.core.ids import new_id
    from pathways.core.policy import system_viewer
    from pathways.identity import service as identity
    from pathways.resolve.mentions import marking_columns
    from pathways.store.audit import record_event
    from pathways.store.session import unit_of_work
    from pathways.tips import store as tstore
    from pathways.tips.models import Referral, Tip, TipBundle, TipKey

    t0 = time.perf_counter()
    rng = random.Random(1)
    with unit_of_work(system_viewer("bench")) as s:
        viewer = system_viewer("bench", identity.agency(s).id)
        identity.load_offices(s, viewer)
    with unit_of_work(viewer) as s:
        specs, office_ids = tstore.offices(s)
        codes = [o.code for o in specs]
        load_id = new_id()
        m = marking_columns(tstore.tip_markings(s, None))
        base = datetime(2022, 1, 1, tzinfo=UTC)
        step = 50_000
        for start in range(0, n, step):
            tips, bundles, refs, keys = [], [], [], []
            for i in range(start, min(n, start + step)):
                tid, bid = new_id(), new_id()
                at = base + timedelta(seconds=i * 150)
                code = codes[i % len(codes)]
                mm = {**m, "owner_office_id": office_ids[code]}
                bundles.append({**mm, "id": bid, "number": f"BND 00-{i:08d}", "category": "other", "report_count": 1,
                                "first_at": at, "last_at": at, "office_code": code, "priority": "normal",
                                "priority_score": 5, "priority_reasons": "[]", "load_id": load_id, "created_at": at})
                refs.append({**mm, "id": new_id(), "bundle_id": bid, "office_code": code, "status": "disposed",
                             "priority": "normal", "sent_at": at, "due_at": at, "acted_at": at, "decline_reason": "",
                             "disposition": "no_action", "disposition_note": "", "load_id": load_id})
                tips.append({**mm, "id": tid, "number": f"TIP 00-{i:08d}", "source": "fill", "external_id": str(i),
                             "channel": "email", "received_at": at, "category": "other", "category_reason": "fill",
                             "narrative": f"filler report {i} about a warehouse", "location": "{}", "subjects": "[]",
                             "office_code": code, "routing_reason": "", "routing_flag": "", "priority": "normal",
                             "priority_score": 5, "priority_reasons": "[]", "bundle_id": bid, "bundle_reason": "",
                             "identifiers": f"phone:+1202{rng.randrange(10**7):07d}", "signature": None,
                             "receipt_code": None, "passphrase_hash": None, "load_id": load_id, "created_at": at})
                for k in (f"phone:+1202{rng.randrange(10**7):07d}", f"email:u{i}@fill.example",
                          f"lsh{rng.randrange(10)}:{rng.getrandbits(64):016x}",
                          f"lsh{rng.randrange(10)}:{rng.getrandbits(64):016x}"):
                    keys.append({"id": new_id(), "key": k, "tip_id": tid, "bundle_id": bid, "received_at": at,
                                 "load_id": load_id})
            for model, rows in ((TipBundle, bundles), (Referral, refs), (Tip, tips), (TipKey, keys)):
                s.execute(insert(model.__table__), rows)  # type: ignore[arg-type]
        record_event(s, "load", "tips", load_id, fill=n)
    return time.perf_counter() - t0


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


def run(key: str, url: str, var_dir: Path, fill_n: int, rate: float, seconds: float,
        filled: bool = False) -> dict[str, Any]:
    os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = str(var_dir)
    from pathways.core.settings import reset_settings
    from pathways.store import migrate
    from pathways.store.engine import dispose_engines

    reset_settings()
    dispose_engines()
    migrate.upgrade()
    fill_s = 0.0 if filled else fill(fill_n)
    if filled:
        from sqlalchemy import func, select

        from pathways.core.policy import system_viewer
        from pathways.store.session import unit_of_work
        from pathways.tips.models import Tip

        with unit_of_work(system_viewer("bench"), readonly=True) as s:
            fill_n = int(s.execute(select(func.count(Tip.id))).scalar_one())
    token = make_token()
    dispose_engines()
    world = Path(tempfile.mkdtemp(prefix="pathways-bench-world-"))
    subprocess.run([sys.executable, "-m", "pathways.cli", "world", "generate", "--seed", "11", "--scale", "tiny",
                    "--out", str(world), "--format", "csv"], check=True, capture_output=True)
    records = [json.loads(line) for line in (world / "tips.jsonl").open()]
    port = free_port()
    env = {**os.environ, "PATHWAYS_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "pathways.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        hwm = next((line.split()[1] for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                    if line.startswith("VmHWM")), "0")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result.update({"database": key, "store_tips": fill_n, "fill_seconds": round(fill_s, 1), "rate_target": rate,
                   "store": "bulk-imported world tips" if filled else "filler rows",
                   "server_peak_rss_mib": round(int(hwm) / 1024, 1), "load_before": load_before,
                   "load_after": load_after})
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill", type=int, default=1_000_000)
    ap.add_argument("--rate", type=float, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--sqlite-db", type=Path, default=None,
                    help="an SQLite store already holding the tips (e.g. the one tips_bulk.py loaded)")
    args = ap.parse_args()
    out = HERE / "results" / "tips_intake.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    if not args.no_sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-intake-"))
        db = args.sqlite_db or tmp / "bench.db"
        data["sqlite"] = run("sqlite", f"sqlite:///{db}", tmp / "var", args.fill, args.rate, args.seconds,
                             filled=args.sqlite_db is not None)
        print(json.dumps(data["sqlite"], indent=2))
    if not args.no_postgres:
        name = f"pathways_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-intake-"))
        try:
            data["postgresql"] = run("postgresql", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", tmp / "var", args.fill,
                                     args.rate, args.seconds)
            print(json.dumps(data["postgresql"], indent=2))
        finally:
            from pathways.store.engine import dispose_engines

            dispose_engines()
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    data["python"], data["machine"], data["cpus"] = platform.python_version(), platform.machine(), os.cpu_count()
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
