"""Benchmark the synthetic world generator: wall time, peak RSS and manifest lines per second.

Usage: .venv/bin/python bench/world.py [--scale medium] [--seed 1] [--keep DIR]
Writes bench/results/world.json (one object per scale, merged with earlier runs).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pathways.world.generate import generate_world  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", default="medium", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None, help="generate here and keep the files")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pathways-world-"))
    out = args.keep or tmp / "world"
    stages: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(stage: str, advance: int, total: int) -> None:
        now = time.perf_counter()
        if last[1]:
            stages[str(last[1])] = stages.get(str(last[1]), 0.0) + now - float(last[0])
        last[0], last[1] = now, stage

    try:
        t0 = time.perf_counter()
        summary = generate_world(out, args.seed, args.scale, progress=progress)
        wall = time.perf_counter() - t0
        stages[str(last[1])] = stages.get(str(last[1]), 0.0) + time.perf_counter() - float(last[0])
        size = sum(f.bytes for f in summary.files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result = {
        "scale": args.scale, "seed": args.seed, "wall_seconds": round(wall, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "manifest_lines": summary.counts["manifest_lines"],
        "lines_per_second": round(summary.counts["manifest_lines"] / wall),
        "tips": summary.counts["tips"], "output_mib": round(size / 2**20, 1),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "counts": summary.counts, "python": platform.python_version(), "machine": platform.machine(),
    }
    path = ROOT / "bench" / "results" / "world.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing[args.scale] = result
    path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
