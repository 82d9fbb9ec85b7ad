"""Where online intake's server CPU goes: tips taken in-process through the route's own steps (the caller
resolved, ``tips.api._intake_caller``, per tip; then the tips written in groups of ``--group``,
``tips.intake_groups.write_group``, as the server groups the tips that arrive together), against the
same cached store as ``bench/tips_intake.py``. No HTTP and no concurrency: this is the cost of a tip
in groups of that size, not the rate the server sustains.

Reported per tip: CPU (``process_time``, so the background placement of parties counts too), wall
time, the SQL statements sent by kind, and the transactions begun; with ``--profile``, cProfile's
top functions by own and by cumulative time (cProfile inflates Python-heavy parts, so read its
shares, not its milliseconds).

Writes bench/results/tips_intake_profile.json (one entry per database). Usage:
``.venv/bin/python bench/tips_intake_profile.py [--store-tips 100000] [--world-scale medium] [--tips 300]
[--group 1] [--profile] [--label before-] [--no-postgres] [--no-sqlite]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tips_intake  # noqa: E402  (a sibling script)

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.I)


def statement_kind(sql: str) -> str:
    """``SELECT tips``, ``INSERT audit_events``, ``BEGIN``: the verb and the first table named."""
    verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    found = _TABLE.search(sql)
    return f"{verb} {found.group(1)}" if found else verb


def request_for(token: str) -> Any:
    from starlette.requests import Request

    return Request({"type": "http", "method": "POST", "path": "/api/tips", "query_string": b"",
                    "headers": [(b"authorization", f"Bearer {token}".encode())], "client": ("127.0.0.1", 40000),
                    "server": ("127.0.0.1", 8000), "scheme": "http"})


def tiny_records() -> list[dict[str, Any]]:
    """The tips the load benchmark sends: a tiny world's, seed 11."""
    world = Path(tempfile.mkdtemp(prefix="pathways-bench-world-"))
    subprocess.run([sys.executable, "-m", "pathways.cli", "world", "generate", "--seed", "11", "--scale", "tiny",
                    "--out", str(world), "--format", "csv"], check=True, capture_output=True)
    return [json.loads(line) for line in (world / "tips.jsonl").open()]


def fresh(rec: dict[str, Any]) -> dict[str, Any]:
    out = dict(rec)
    out["external_id"] = f"PROFILE-{uuid.uuid4().hex}"
    out["received_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def run(key: str, url: str, args: argparse.Namespace, records: list[dict[str, Any]]) -> dict[str, Any]:
    os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = tempfile.mkdtemp(prefix="pathways-bench-profile-")
    from sqlalchemy import event

    from pathways.core.settings import reset_settings
    from pathways.resolve import online
    from pathways.store import migrate
    from pathways.store.engine import dispose_engines, get_engine
    from pathways.tips import api
    from pathways.tips.intake_groups import Waiting, write_group

    loop = asyncio.new_event_loop()

    def take(recs: list[dict[str, Any]]) -> None:
        group = [Waiting(api._intake_caller(request), "agency", r, loop.create_future()) for r in recs]
        for outcome in write_group(group, api._submitted):
            if isinstance(outcome, BaseException):
                raise outcome

    reset_settings()
    dispose_engines()
    migrate.upgrade()
    store_tips = tips_intake.tips_store.tip_count(url)
    token = tips_intake.make_token()
    api._warm()
    request = request_for(token)
    for rec in records[:20]:  # caches filled, as in a server that has taken a few tips
        take([fresh(rec)])
    online.drain()

    kinds: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        kinds[statement_kind(statement)] += 1

    def begun(conn: Any) -> None:
        kinds["(transaction)"] += 1

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "begin", begun)
    profile = cProfile.Profile() if args.profile else None
    n = args.tips
    work = [fresh(records[(20 + i) % len(records)]) for i in range(n)]
    load_before = tips_intake._uptime()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for start in range(0, n, args.group):
        take(work[start:start + args.group])
    online.drain()
    if profile:
        profile.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    event.remove(engine, "before_cursor_execute", count)
    event.remove(engine, "begin", begun)
    dispose_engines()
    transactions = kinds.pop("(transaction)", 0)
    out: dict[str, Any] = {
        "database": key, "store_tips": store_tips, "tips": n, "group": args.group, "profiled": bool(profile),
        "cpu_ms_per_tip": round(1000 * cpu / n, 2), "wall_ms_per_tip": round(1000 * wall / n, 2),
        "statements_per_tip": round(sum(kinds.values()) / n, 2), "transactions_per_tip": round(transactions / n, 2),
        "statements_by_kind_per_tip": {k: round(v / n, 2) for k, v in kinds.most_common()},
        "load_before": load_before, "load_after": tips_intake._uptime(),
        "taken_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if profile:
        out["top_own"] = _top(profile, "tottime", args.top)
        out["top_cumulative"] = _top(profile, "cumulative", args.top)
    return out


def _top(profile: cProfile.Profile, order: str, limit: int) -> list[str]:
    buf = io.StringIO()
    pstats.Stats(profile, stream=buf).sort_stats(order).print_stats(limit)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return [" ".join(line.split()) for line in lines[start:] if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--world-scale", default="large", help="the world whose tips fill the store")
    ap.add_argument("--store-tips", type=int, default=100_000)
    ap.add_argument("--tips", type=int, default=300, help="tips taken and measured")
    ap.add_argument("--group", type=int, default=1, help="tips written together (the server's group size)")
    ap.add_argument("--profile", action="store_true", help="run under cProfile and report the top functions")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--label", default="", help="a prefix for this run's entries (e.g. before-)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "tips_intake_profile.json")
    args = ap.parse_args()
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    records = tiny_records()
    for database, skip in (("sqlite", args.no_sqlite), ("postgresql", args.no_postgres)):
        if skip:
            continue
        url, _ = tips_intake.ensure_store(database, args.seed, args.store_tips, args.world_scale)
        entry = run(database, url, args, records)
        key = args.label + database + (f"-group{args.group}" if args.group > 1 else "")
        data[key + ("-profiled" if args.profile else "")] = entry
        print(json.dumps(entry, indent=2))
        data["python"], data["machine"], data["cpus"] = platform.python_version(), platform.machine(), os.cpu_count()
        args.out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
