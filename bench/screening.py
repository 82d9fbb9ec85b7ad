"""Benchmark manifest screening: 4,000,000 lines against the 20,000 marks of a medium world, end to end
from a Parquet file to the hits file (ingest into the line store, match, score, hits), and until the
targeting queue, filled beside the hits file, has committed too.

Usage: .venv/bin/python bench/screening.py [--lines 4000000] [--repeat 3] [--work DIR] [--spark-lines 500000]
Writes bench/results/screening.json. Also measured in the same run: quality on the world's ground
truth by mode, the Spark engine on a slice, writing the parties as mentions on a slice, and a naive
baseline (RapidFuzz partial_ratio of each line against every mark) on a sample, extrapolated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _tree_rss() -> int:
    """Resident memory of this process and all its descendants, in bytes (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(d.name)] = int(stat[1])
            rss[int(d.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    mine, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in mine:
                mine.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in mine)


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the run's workers)."""
    import resource

    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


class PeakMemory:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss())
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self.peak = _tree_rss()
        self._t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._t.join()


def tile(world: Path, out: Path, n_lines: int) -> None:
    """The world's manifest lines repeated (line ids suffixed -1, -2 …) into one Parquet file."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parts = sorted((world / "manifests").glob("part-*.parquet"))
    writer = None
    written, copy = 0, 0
    while written < n_lines:
        for part in parts:
            t = pq.read_table(part)
            if copy:
                t = t.set_column(0, "line_id", pc.binary_join_element_wise(t.column("line_id"), pa.scalar(f"-{copy}"),
                                                                           ""))
            t = t.slice(0, n_lines - written)
            writer = writer or pq.ParquetWriter(out, t.schema, compression="zstd")
            writer.write_table(t, row_group_size=250_000)
            written += t.num_rows
            if written >= n_lines:
                break
        copy += 1
    assert writer is not None
    writer.close()


def prepare(world: Path, big: Path, scale: str, seed: int, lines: int) -> None:
    from pathways.world.generate import generate_world

    if not (world / "world.json").exists():
        print(f"generating the {scale} world …", flush=True)
        generate_world(world, seed=seed, scale=scale)
    print(f"tiling {lines:,} lines …", flush=True)
    partial = big.with_suffix(".partial")
    tile(world, partial, lines)
    partial.replace(big)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=4_000_000)
    ap.add_argument("--scale", default="medium")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, default=Path("/tmp/pathways-bench-screening"))
    ap.add_argument("--spark-lines", type=int, default=500_000)
    ap.add_argument("--mention-lines", type=int, default=100_000)
    ap.add_argument("--baseline-sample", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=3, help="end-to-end runs; the median is reported")
    ap.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work
    world = work / f"world-{args.scale}-{args.seed}"
    big = work / f"lines-{args.lines}.parquet"
    if args.prepare_only:
        prepare(world, big, args.scale, args.seed, args.lines)
        return
    if not big.exists():
        # in a process of its own: the timed runs below start from a heap as clean as the CLI's
        subprocess.run([sys.executable, __file__, "--prepare-only", "--work", str(work), "--scale", args.scale,
                        "--seed", str(args.seed), "--lines", str(args.lines)], check=True)
    db_dir = work / "run"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    os.environ["PATHWAYS_DATABASE_URL"] = f"sqlite:///{db_dir / 'bench.db'}"
    os.environ["PATHWAYS_VAR_DIR"] = str(db_dir / "var")

    import polars as pl
    import pyarrow.parquet as pq

    from pathways.core.policy import system_viewer
    from pathways.identity import service as identity
    from pathways.registry.importer import import_recordations
    from pathways.screening.catalog import load_catalog, load_products
    from pathways.screening.ingest import ingest_file
    from pathways.screening.quality import evaluate
    from pathways.screening.rules import load_rules
    from pathways.screening.service import run_file, score_parts
    from pathways.store import migrate
    from pathways.store.session import unit_of_work

    migrate.upgrade()
    with unit_of_work(system_viewer("bench")) as session:
        viewer = system_viewer("bench", identity.agency(session).id)
    t0 = time.perf_counter()
    with unit_of_work(viewer) as session:
        import_recordations(session, viewer, world / "recordations.csv")
    with unit_of_work(viewer) as session:
        load_products(session, world / "products.csv")
    setup_s = time.perf_counter() - t0
    with unit_of_work(viewer, readonly=True) as session:
        catalog = load_catalog(session)
    marks = len(catalog.recs)
    load = os.getloadavg()
    print(f"{marks:,} marks; screening {args.lines:,} lines (load average {load[0]:.2f}) …", flush=True)

    # 1. end to end, embedded: each run from the same freshly set-up database (a run of a file already
    # ingested would skip the ingest), the median reported beside every run
    from pathways.store.engine import dispose_engines

    dispose_engines()
    shutil.copy(db_dir / "bench.db", work / "setup.db")
    hits_path = work / "hits.parquet"
    runs = []
    for i in range(args.repeat):
        if i:
            dispose_engines()
            shutil.rmtree(db_dir / "var", ignore_errors=True)
            for suffix in ("-wal", "-shm"):
                (db_dir / f"bench.db{suffix}").unlink(missing_ok=True)
            shutil.copy(work / "setup.db", db_dir / "bench.db")
        with PeakMemory() as mem:
            cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            report = run_file(viewer, big, out=hits_path, engine="embedded", mentions=False)
            wall = time.perf_counter() - t0
            cpu = _cpu_seconds() - cpu0
        runs.append({"seconds": round(wall, 2), "to_hits_file_seconds": round(report.hits_seconds, 2),
                     "cpu_seconds": round(cpu, 1), "peak_rss_mib": round(mem.peak / 2**20),
                     "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "stages_seconds": report.timings})
        print(f"run {i + 1}: {runs[-1]}", flush=True)
    middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    to_hits = sorted(r["to_hits_file_seconds"] for r in runs)[len(runs) // 2]
    wall = middle["seconds"]
    embedded = {"lines": report.lines, "runs": len(runs), "seconds": wall, "lines_per_s": round(report.lines / wall),
                "to_hits_file_seconds": to_hits, "to_hits_file_lines_per_s": round(report.lines / to_hits),
                "cpu_seconds": middle["cpu_seconds"], "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                "targeted": report.targeted, "sampled": report.sampled, "queued": report.queued_new,
                "stages_seconds": middle["stages_seconds"], "each_run": runs}
    print(f"embedded (median of {len(runs)}): {embedded}", flush=True)

    # 2. quality on the world's own lines (the first copy)
    hits = pl.read_parquet(hits_path).filter(pl.col("line_id").str.contains("-").not_())
    lines = pl.concat([pl.read_parquet(p, columns=["line_id", "mode"]) for p in
                       sorted((world / "manifests").glob("part-*.parquet"))])
    quality = evaluate(hits, lines, world / "truth" / "manifest_lines.csv")
    print(f"quality: {quality}", flush=True)

    # 3. Spark on a slice of the line store
    store = Path(report.ingest.store_dir)
    parts = sorted(store.glob("part-*.parquet"))
    spark_parts, n = [], 0
    for p in parts:
        if n >= args.spark_lines:
            break
        spark_parts.append(p)
        n += pq.ParquetFile(p).metadata.num_rows
    rules = load_rules()
    t0 = time.perf_counter()
    s_hits, _ = score_parts(spark_parts, catalog, rules, "spark")
    spark_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    e_hits, _ = score_parts(spark_parts, catalog, rules, "embedded")
    emb_slice_s = time.perf_counter() - t0
    spark = {"lines": n, "seconds": round(spark_s, 2), "lines_per_s": round(n / spark_s),
             "embedded_same_slice_seconds": round(emb_slice_s, 2), "identical_output": s_hits.equals(e_hits)}
    print(f"spark: {spark}", flush=True)

    # 4. the parties as mentions (SQLite), on a slice
    sl = work / f"mentions-{args.mention_lines}.parquet"
    pl.read_parquet(big, n_rows=args.mention_lines).with_columns(
        pl.col("line_id") + "-m").write_parquet(sl)
    t0 = time.perf_counter()
    m = ingest_file(viewer, sl, mentions=True)
    m_s = time.perf_counter() - t0
    mentions = {"lines": m.loaded, "mentions": m.mentions, "seconds": round(m_s, 2),
                "lines_per_s": round(m.loaded / m_s), "mentions_per_s": round(m.mentions / m_s)}
    print(f"mentions: {mentions}", flush=True)

    # 5. naive baseline: every line against every mark with RapidFuzz
    from rapidfuzz import fuzz, process

    sample = pl.read_parquet(big, columns=["description"], n_rows=200_000).sample(args.baseline_sample, seed=1)
    choices = [r.mark for r in catalog.recs]
    t0 = time.perf_counter()
    found = 0
    for desc in sample.get_column("description").to_list():
        found += len(process.extract(desc.upper(), choices, scorer=fuzz.partial_ratio, score_cutoff=90, limit=5))
    per_line = (time.perf_counter() - t0) / args.baseline_sample
    naive_s = per_line * args.lines
    baseline = {"sample_lines": args.baseline_sample, "seconds_per_line": round(per_line, 6),
                "extrapolated_seconds": round(naive_s), "lines_per_s": round(1 / per_line),
                "ratio": round(naive_s / wall, 1)}
    print(f"baseline: {baseline}", flush=True)

    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_start": [round(x, 2) for x in load]},
              "marks": marks, "setup_seconds": round(setup_s, 1), "embedded": embedded, "quality": quality,
              "spark": spark, "mentions": mentions, "baseline": baseline,
              "goal": {"lines_per_s": 200_000, "peak_rss_mib": 4096}}
    out = ROOT / "bench" / "results" / "screening.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
