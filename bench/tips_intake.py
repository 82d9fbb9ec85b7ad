"""Online intake: single tips through ``POST /api/tips`` at a sustained 100 per second for 60 seconds,
on loopback, against a store that already holds 1,000,000 tips; on SQLite and on PostgreSQL.

The store is the large world's 1,000,000 tips, bulk-imported as ``bench/tips_bulk.py`` does (the
store that script leaves is the same one) and cached per seed and database (``bench/tips_store.py``);
it is built only when missing. ``--store-tips 100000`` uses a smaller store of its own. Each request carries
a real tip from a small world (new external_id, received now), so extraction, the key-index look-ups
among the million, bundling, priority, routing, mentions and the audit chain all run per request.
Open loop (``OpenLoop``): request i is sent at t0 + i/rate whatever the earlier ones did, from a
bounded pool of blocking connections; its latency counts from that scheduled time, so queueing in the
client or the server shows. Reported: latency and service-time percentiles, every outcome (status
codes, timeouts, connection errors, requests never answered), the client's own send lag, the server's
CPU per tip and peak RSS, the whole machine's CPU busy share (server, database and client together),
the groups the server wrote (ADR 0020) and tips per group, and the machine load before and after.

Writes bench/results/tips_intake.json. Usage: ``.venv/bin/python bench/tips_intake.py [--seed 1]
[--store-tips 1000000] [--world-scale large] [--rate 100] [--seconds 60] [--no-postgres] [--no-sqlite] [--build-only]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


class OpenLoop:
    """Sends request i at t0 + i/rate whatever happened to the earlier ones, from a bounded pool of
    threads that each keep one HTTP/1.1 connection. A request that finds every connection busy waits
    in the queue, and its latency still counts from its scheduled time: queueing in the client or in
    the server is never hidden (no coordinated omission)."""

    def __init__(self, port: int, token: str, records: list[dict[str, Any]], *, connections: int,
                 timeout: float) -> None:
        self.port, self.token, self.records = port, token, records
        self.connections, self.timeout = connections, timeout
        self.lock = threading.Lock()
        self.latency: list[float] = []  # seconds from the scheduled send to the full response
        self.service: list[float] = []  # seconds from the actual send to the full response
        self.send_lag: list[float] = []  # seconds the client itself sent late
        self.outcomes: dict[str, int] = {}
        self.completed_at: list[float] = []

    def _body(self, i: int) -> bytes:
        rec = dict(self.records[i % len(self.records)])
        rec["external_id"] = f"BENCH-{uuid.uuid4().hex}"
        rec["received_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps(rec).encode()

    def _worker(self, jobs: queue.Queue[tuple[int, float] | None]) -> None:
        conn: http.client.HTTPConnection | None = None
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        while (job := jobs.get()) is not None:
            i, scheduled = job
            if time.perf_counter() - scheduled > self.timeout:  # waited out its timeout in the queue
                with self.lock:
                    self.outcomes["timeout"] = self.outcomes.get("timeout", 0) + 1
                continue
            body = self._body(i)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            c = conn
            sent = time.perf_counter()
            try:
                c.request("POST", "/api/tips", body=body, headers=headers)
                resp = c.getresponse()
                resp.read()
                outcome = str(resp.status)
                if resp.getheader("connection", "").lower() == "close":
                    c.close()
                    conn = None
            except TimeoutError:
                outcome = "timeout"
                c.close()
                conn = None
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                c.close()
                conn = None
            done = time.perf_counter()
            with self.lock:
                self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
                if outcome == "201":
                    self.latency.append(done - scheduled)
                    self.service.append(done - sent)
                self.send_lag.append(sent - scheduled)
                self.completed_at.append(done)
        if conn is not None:
            conn.close()

    def run(self, rate: float, seconds: float) -> dict[str, Any]:
        n = int(rate * seconds)
        jobs: queue.Queue[tuple[int, float] | None] = queue.Queue()
        threads = [threading.Thread(target=self._worker, args=(jobs,), daemon=True)
                   for _ in range(self.connections)]
        for t in threads:
            t.start()
        t0 = time.perf_counter() + 0.5
        for i in range(n):  # the schedule: never waits for a response
            at = t0 + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            jobs.put((i, at))
        end_of_schedule = time.perf_counter()
        for _ in threads:
            jobs.put(None)
        # every request ends by the client's timeout; a thread still busy after that is reported
        deadline = time.perf_counter() + self.timeout + 5
        for t in threads:
            t.join(max(0.0, deadline - time.perf_counter()))
        finished = time.perf_counter()
        with self.lock:
            answered = sum(self.outcomes.values())
            ok = sorted(self.latency)
            service = sorted(self.service)
            lag = sorted(self.send_lag)
            last = max(self.completed_at, default=t0)
        ok_n = self.outcomes.get("201", 0)
        return {
            "offered": n, "offered_per_second": rate, "schedule_seconds": round(end_of_schedule - t0, 1),
            "answered": answered, "unanswered": n - answered, "created": ok_n,
            "achieved_per_second": round(ok_n / max(last - t0, 1e-9), 1),
            "drain_seconds": round(max(0.0, last - (t0 + n / rate)), 2),
            "outcomes": dict(sorted(self.outcomes.items())),
            "latency_ms": _percentiles(ok), "service_ms": _percentiles(service),
            "client_send_lag_ms": _percentiles(lag), "client_connections": self.connections,
            "client_timeout_seconds": self.timeout, "client_busy_after_deadline": sum(t.is_alive() for t in threads),
            "wall_seconds": round(finished - t0, 1),
        }


def _percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms of sorted ``values`` (nearest rank)."""
    if not values:
        return {}

    def at(p: float) -> float:
        return round(values[min(len(values) - 1, max(0, math.ceil(p * len(values)) - 1))] * 1000, 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(values[-1] * 1000, 1)}


def run(key: str, url: str, var_dir: Path, args: argparse.Namespace, built_s: float) -> dict[str, Any]:
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
    env = dict(os.environ)
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / "server.log"
    # ``pathways serve``'s settings, but uvicorn's supervisor waits longer than its default 5 s for a
    # worker's health answer: on a loaded machine a worker still importing the app misses it, is killed
    # and restarted, over and over.
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "pathways.api.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                               "--no-access-log", "--no-proxy-headers", "--timeout-worker-healthcheck", "120"],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        _wait_healthy(port, server, log)
        warm = OpenLoop(port, token, records, connections=1, timeout=args.timeout).run(10, 2)
        load_before = _uptime()
        cpu_before, machine_before, groups_before = _cpu_seconds(server.pid), _machine_ticks(), _groups(url)
        result = OpenLoop(port, token, records, connections=args.connections,
                          timeout=args.timeout).run(args.rate, args.seconds)
        server_cpu = _cpu_seconds(server.pid) - cpu_before
        busy, total = (after - before for after, before in zip(_machine_ticks(), machine_before, strict=True))
        groups = _groups(url) - groups_before
        load_after = _uptime()
        hwm = _peak_rss_kib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result.update({"database": key, "store_tips": store_tips, "store_build_seconds": round(built_s, 1),
                   "store": f"the {args.world_scale} world's first {store_tips:,} tips (seed {args.seed}), "
                            "bulk-imported",
                   "warm_up": {"requests": warm["offered"], "outcomes": warm["outcomes"]},
                   "server_workers": args.workers, "server_peak_rss_mib": round(hwm / 1024, 1),
                   "server_cpu_seconds": round(server_cpu, 1),
                   "server_cpu_ms_per_tip": round(1000 * server_cpu / max(result["created"], 1), 1),
                   "machine_cpu_busy": round(busy / max(total, 1), 3),
                   "groups_written": groups, "tips_per_group": round(result["created"] / max(groups, 1), 2),
                   "load_before": load_before, "load_after": load_after,
                   "taken_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
    return result


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far: the server, the database, this client."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def _groups(url: str) -> int:
    """Tip groups written so far: each is one ``load`` audit event of tips (ADR 0020)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_events WHERE action = 'load' "
                                         "AND object_type = 'tips'")).scalar() or 0)
    finally:
        engine.dispose()


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _wait_healthy(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.poll() is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.5)
    raise RuntimeError(f"the server did not come up; see {log}")


def _server_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of the server and its worker processes so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _server_pids(pid):
        stat = Path(f"/proc/{p}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _peak_rss_kib(pid: int) -> int:
    """The server's peak resident memory: its own and its worker processes' (VmHWM, summed)."""
    total = 0
    for p in _server_pids(pid):
        status = Path(f"/proc/{p}/status")
        if status.exists():
            total += next((int(line.split()[1]) for line in status.read_text().splitlines()
                           if line.startswith("VmHWM")), 0)
    return total


def store_url(database: str, seed: int, tips: int, scale: str = "large") -> str:
    """The whole large world's store is the one ``tips_bulk.py`` leaves; any other has a name of its own."""
    url = tips_store.store_url(database, seed)
    if tips >= 1_000_000 and scale == "large":
        return url
    name = f"{tips}" if scale == "large" else f"{scale}_{tips}"
    return url.replace(".db", f"-{name}.db") if database == "sqlite" else f"{url}_{name}"


def ensure_store(database: str, seed: int, tips: int, scale: str = "large") -> tuple[str, float]:
    """The cached store of this seed, world scale and size, bulk-imported now if it is missing or
    partial (the same import as ``tips_bulk.py``, without its quality measurement)."""
    url = store_url(database, seed, tips, scale)
    if tips_store.tip_count(url) >= tips:
        return url, 0.0
    tips_store.recreate(url)
    world = tips_store.world_dir(seed, scale)
    var = Path(tempfile.mkdtemp(prefix="pathways-bench-store-"))
    src = var / "tips.jsonl"
    with (world / "tips.jsonl").open("rb") as fh, src.open("wb") as out:
        for i, line in enumerate(fh):
            if i >= tips:
                break
            out.write(line)
    t0 = time.perf_counter()
    _bulk_import(url, src, var / "var")
    return url, time.perf_counter() - t0


def _bulk_import(url: str, src: Path, var_dir: Path) -> None:
    """The bulk import exactly as ``tips_bulk.py`` runs it: offices loaded, then the file."""
    viewer = tips_store.prepared(url, var_dir)
    from pathways.store.engine import dispose_engines
    from pathways.store.session import unit_of_work
    from pathways.tips import importer

    with unit_of_work(viewer) as s:
        report = importer.import_file(s, viewer, src, source="bench")
    print(f"store {url}: {report.summary}", flush=True)
    dispose_engines()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1, help="the world whose tips fill the store")
    ap.add_argument("--store-tips", type=int, default=1_000_000, help="tips in the store (fewer: a store of its own)")
    ap.add_argument("--world-scale", default="large", help="the world whose tips fill the store (medium: 100,000)")
    ap.add_argument("--rate", type=float, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--connections", type=int, default=64, help="client connections (one thread each)")
    ap.add_argument("--timeout", type=float, default=10, help="seconds before a request counts as timed out")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--build-only", action="store_true", help="build the stores, measure nothing")
    ap.add_argument("--partial-store", action="store_true",
                    help="measure against the whole world's store as far as it was built (no rebuild)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "tips_intake.json")
    args = ap.parse_args()
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    for database, skip in (("sqlite", args.no_sqlite), ("postgresql", args.no_postgres)):
        if skip:
            continue
        if args.partial_store:  # the whole world's store as far as it was built: measure it as it is
            url, built = tips_store.store_url(database, args.seed), 0.0
        else:
            url, built = ensure_store(database, args.seed, args.store_tips, args.world_scale)
        if args.build_only:
            print(f"{database}: {tips_store.tip_count(url):,} tips at {url} (built in {built:.0f} s)")
            continue
        tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-intake-"))
        try:
            data[database] = run(database, url, tmp / "var", args, built)
        finally:
            from pathways.store.engine import dispose_engines

            dispose_engines()
        print(json.dumps(data[database], indent=2))
        data["python"], data["machine"], data["cpus"] = platform.python_version(), platform.machine(), os.cpu_count()
        args.out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
