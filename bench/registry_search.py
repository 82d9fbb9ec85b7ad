"""Similar-mark search over 50,000 recordations, through the HTTP API, on SQLite and on PostgreSQL.

For each database: migrate a fresh one, bulk-import 50,000 recordations made by the world
generator's brand builder (``registry_data.py``), start ``pathways serve``, and time
``GET /api/registry/recordations?q=...&similar=true`` as an import specialist with a bearer token.
Side by side, in one process: the index alone, and a plain RapidFuzz scan of all 50,000 marks
(``rapidfuzz.process.extract``), with the recall@5 of each on the same disguised queries.

Writes bench/results/registry_search.json. Usage: ``.venv/bin/python bench/registry_search.py
[--count 50000] [--queries 400] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import registry_data  # noqa: E402

PG_ADMIN = os.environ.get("PATHWAYS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CYRILLIC = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т"}
DIGITS = {"O": "0", "E": "3", "I": "1", "A": "4", "S": "5"}


def disguise(rng: random.Random, mark: str) -> str:
    """A counterfeiter's spelling of ``mark``: look-alike letters, a digit, an edit, or spacing."""
    chars = list(mark)
    kind = rng.choice(("cyrillic", "digit", "edit", "spacing"))
    spots = [i for i, ch in enumerate(chars) if ch in (CYRILLIC if kind == "cyrillic" else DIGITS)]
    if kind in ("cyrillic", "digit") and spots:
        i = rng.choice(spots)
        chars[i] = (CYRILLIC if kind == "cyrillic" else DIGITS)[chars[i]]
    elif kind == "spacing":
        chars.insert(rng.randrange(1, len(chars)), rng.choice(" -."))
    else:
        i = rng.randrange(1, len(chars))
        chars[i] = rng.choice("ABCDEFGHIKLMNOPRSTUVY")
    out = "".join(chars)
    return out if out != mark else mark + "E"


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {"p50_ms": round(ms[len(ms) // 2], 2), "p95_ms": round(ms[int(len(ms) * 0.95)], 2),
            "p99_ms": round(ms[int(len(ms) * 0.99)], 2), "mean_ms": round(statistics.fmean(ms), 2),
            "max_ms": round(ms[-1], 2), "n": len(ms)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def officer_token(env: dict[str, str]) -> str:
    script = (
        "from pathways.core.policy import Role, system_viewer\n"
        "from pathways.identity import service as s\n"
        "from pathways.store.session import unit_of_work\n"
        "with unit_of_work(system_viewer('bench')) as db:\n"
        "    v = system_viewer('bench', s.agency(db).id)\n"
        "    u = s.create_user(db, v, username='bench-officer', password='bench password 123',\n"
        "                      roles=frozenset({Role.BORDER_OFFICER}))\n"
        "    secret, _ = s.create_token(db, s.viewer_for(db, u, 'bench'), 'bench', 'read')\n"
        "print(secret)\n"
    )
    return run([sys.executable, "-c", script], env).strip().splitlines()[-1]


def bench_api(name: str, url: str, csv_path: Path, queries: list[tuple[str, str]], work: Path) -> dict[str, Any]:
    env = {**os.environ, "PATHWAYS_DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / f"var-{name}"),
           "PATHWAYS_SECRET_KEY": "bench"}
    run([sys.executable, "-m", "pathways.cli", "db", "upgrade"], env)
    started = time.perf_counter()
    out = run([sys.executable, "-m", "pathways.cli", "registry", "import", str(csv_path)], env)
    import_seconds = time.perf_counter() - started
    print(f"[{name}] import: {out.strip().splitlines()[-1]} in {import_seconds:.1f}s", flush=True)
    token = officer_token(env)
    port = free_port()
    log = (work / f"server-{name}.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "pathways.cli", "serve", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
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
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            started = time.perf_counter()
            first = client.get("/api/registry/recordations", params={"q": "VELTRANO", "similar": "true"})
            first.raise_for_status()
            warm = time.perf_counter() - started  # includes building the index from the database
            for query, _ in queries[:20]:
                client.get("/api/registry/recordations", params={"q": query, "similar": "true", "limit": 5})
            samples, found = [], 0
            for query, target in queries:
                t0 = time.perf_counter()
                resp = client.get("/api/registry/recordations", params={"q": query, "similar": "true", "limit": 5})
                samples.append(time.perf_counter() - t0)
                resp.raise_for_status()
                found += target in [i["recordation"]["mark"] for i in resp.json()["items"]]
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    result = {"import_seconds": round(import_seconds, 1), "first_query_with_index_build_s": round(warm, 2),
              "similar_search_api": percentiles(samples), "recall_at_5": round(found / len(queries), 3)}
    print(f"[{name}] {result}", flush=True)
    return result


def bench_in_process(marks: list[str], queries: list[tuple[str, str]]) -> dict[str, Any]:
    from pathways.registry.normalize import fold
    from pathways.registry.similar import MarkIndex

    index = MarkIndex()
    t0 = time.perf_counter()
    index.load([(m, m) for m in marks])
    build = time.perf_counter() - t0
    ours, scan, ours_found, scan_found = [], [], 0, 0
    folded = [fold(m) for m in marks]
    for query, target in queries:
        t0 = time.perf_counter()
        hits = index.search(query, limit=5)
        ours.append(time.perf_counter() - t0)
        ours_found += target in [h.mark for h in hits]
        t0 = time.perf_counter()
        top = process.extract(query.upper(), marks, scorer=fuzz.ratio, limit=5)
        scan.append(time.perf_counter() - t0)
        scan_found += target in [m for m, _, _ in top]
    # The same scan, on folded forms (what a scan would need to catch homoglyphs)
    folded_scan, folded_found = [], 0
    for query, target in queries:
        t0 = time.perf_counter()
        top = process.extract(fold(query), folded, scorer=fuzz.ratio, limit=5)
        folded_scan.append(time.perf_counter() - t0)
        folded_found += target in [marks[i] for _, _, i in top]
    return {
        "index_build_s": round(build, 2),
        "index_search": {**percentiles(ours), "recall_at_5": round(ours_found / len(queries), 3)},
        "rapidfuzz_scan_raw": {**percentiles(scan), "recall_at_5": round(scan_found / len(queries), 3)},
        "rapidfuzz_scan_folded": {**percentiles(folded_scan), "recall_at_5": round(folded_found / len(queries), 3)},
    }


def postgres_available() -> bool:
    try:
        create_engine(PG_ADMIN).connect().close()
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pathways-bench-registry-"))
    csv_path = registry_data.write(work / "world", args.seed, args.count)
    with csv_path.open(encoding="utf-8") as f:
        marks = [r["mark"] for r in csv.DictReader(f)]
    rng = random.Random(args.seed)
    queries = [(disguise(rng, m), m) for m in rng.sample(marks, args.queries)]
    results: dict[str, Any] = {
        "benchmark": "registry_search",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "recordations": len(marks),
        "queries": len(queries),
        "query_kinds": "one of: a Cyrillic look-alike letter, a digit for a letter, one substituted letter, "
                       "inserted space/hyphen/dot",
        "target_p95_ms": 30,
    }
    results["in_process"] = bench_in_process(marks, queries)
    print(f"[in-process] {results['in_process']}", flush=True)
    results["sqlite"] = bench_api("sqlite", f"sqlite:///{work / 'bench.db'}", csv_path, queries, work)
    if not args.no_postgres and postgres_available():
        name = f"pathways_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            results["postgresql"] = bench_api("postgresql", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", csv_path,
                                              queries, work)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        results["postgresql"] = "skipped: PostgreSQL not reachable"
    out = HERE / "results" / "registry_search.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
