"""Bulk import of the large world's 1,000,000 tips: extraction, dedup, priority and routing.

Imports ``tips.jsonl`` of the large world (``bench/tips_store.py`` generates it once per seed) into a
fresh database, then measures dedup pairwise precision and recall and routing accuracy against the
world's truth. Reports wall time, rate, the peak RSS of the importer and of its extraction workers,
and the machine load (``uptime``). A whole-world run leaves its database as the cached store that
``bench/tips_intake.py`` runs against.

Writes bench/results/tips_bulk.json (one entry per database). Usage:
``.venv/bin/python bench/tips_bulk.py [--seed 1] [--limit N] [--postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tips_store  # noqa: E402  (a sibling script)


def _peak_mib() -> tuple[float, float]:
    """Peak RSS of this process (the importer) and of the largest of its ended children (an
    extraction worker: the pool's workers are reaped when the import ends)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(kids, 1)


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(world: Path, url: str, var_dir: Path, limit: int | None) -> dict[str, Any]:
    viewer = tips_store.prepared(url, var_dir)
    from pathways.store.engine import dispose_engines
    from pathways.store.session import unit_of_work
    from pathways.tips import importer
    from pathways.tips.quality import measure

    src = world / "tips.jsonl"
    if limit:
        var_dir.mkdir(parents=True, exist_ok=True)
        part = var_dir / "tips-part.jsonl"
        with src.open("rb") as fh, part.open("wb") as out:
            for i, line in enumerate(fh):
                if i >= limit:
                    break
                out.write(line)
        src = part
    load_before = _load()
    t0, c0 = time.perf_counter(), time.process_time()
    with unit_of_work(viewer) as s:
        report = importer.import_file(s, viewer, src, source="bench")
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_kids = ru.ru_utime + ru.ru_stime
    own, kids = _peak_mib()  # before the export and the quality check, which are not the import's
    load_after = _load()
    var_dir.mkdir(parents=True, exist_ok=True)
    out_csv = var_dir / "export.csv"
    t1 = time.perf_counter()
    with unit_of_work(viewer) as s:
        importer.export_csv(s, viewer, out_csv)
    export_s = time.perf_counter() - t1
    q = measure(out_csv, world)
    dispose_engines()
    return {"tips": report.received, "created": report.created, "rejected": report.rejected,
            "bundles": report.bundles_created, "wall_seconds": round(wall, 1),
            "tips_per_second": round(report.received / wall), "export_seconds": round(export_s, 1),
            "workers": importer.default_workers(), "peak_rss_mib_importer": own, "peak_rss_mib_worker": kids,
            "cpu_seconds_importer": round(cpu, 1), "cpu_seconds_workers": round(cpu_kids, 1),
            "dedup_precision": round(q.precision, 4), "dedup_recall": round(q.recall, 4),
            "true_pairs": q.true_pairs, "predicted_pairs": q.predicted_pairs,
            "routing_accuracy": round(q.routing_accuracy, 5), "routed": q.routed,
            "load_before": load_before, "load_after": load_after}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1, help="the large world's seed")
    ap.add_argument("--limit", type=int, default=None, help="only the first N tips, into a throwaway database")
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    world = tips_store.world_dir(args.seed)
    key = "postgresql" if args.postgres else "sqlite"
    tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-tips-"))
    drop = None
    if args.limit:
        if args.postgres:
            url = tips_store.PG_ADMIN.rsplit("/", 1)[0] + f"/pathways_bench_{uuid.uuid4().hex[:8]}"
            tips_store.recreate(url)
            drop = url
        else:
            url = f"sqlite:///{tmp / 'bench.db'}"
    else:  # the whole world: kept as the store the intake benchmark runs against
        url = tips_store.store_url(key, args.seed)
        tips_store.recreate(url)
    try:
        result = run(world, url, tmp / "var", args.limit)
    finally:
        if drop:
            admin = create_engine(tips_store.PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{drop.rsplit("/", 1)[1]}" WITH (FORCE)'))
    result.update({"database": key, "world_seed": args.seed, "python": platform.python_version(),
                   "machine": platform.machine(), "cpus": os.cpu_count()})
    out = HERE / "results" / "tips_bulk.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    data[f"{key}-first-{args.limit}" if args.limit else key] = result  # a slice keeps the whole-world entry
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
