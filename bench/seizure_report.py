"""1,000,000 seizure lines → the full annual report (HTML with charts) in under 10 s.

A database of its own (SQLite in a temporary folder, or PostgreSQL with ``--postgres``) gets the tiny
world's 300 recordations and a synthetic ``seizures.csv`` of ``--lines`` seizure lines over six fiscal
years (1–4 lines a seizure, the world's modes, origins and categories), loaded with
``pathways seizures import``'s code. Then the report of the busiest year is built and rendered, cold
(first query after the load) and warm, and as PDF and CSV. Writes ``bench/results/seizure_report.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
CATEGORIES = ("Wearing Apparel/Accessories", "Watches/Jewelry", "Handbags/Wallets", "Consumer Electronics",
              "Pharmaceuticals/Personal Care", "Footwear", "Optical Media", "Computers/Accessories", "Labels/Tags",
              "Toys", "Consumer Products", "Transportation/Parts")
CAT_P = (0.2, 0.12, 0.12, 0.1, 0.1, 0.1, 0.02, 0.06, 0.06, 0.04, 0.06, 0.02)
MODES = ("express", "mail", "cargo", "passenger")
MODE_P = (0.45, 0.25, 0.2, 0.1)
ORIGINS = ("CN", "HK", "TR", "IN", "VN", "MY", "TH", "PK", "AE", "SG")
ORIGIN_P = (0.5, 0.2, 0.07, 0.05, 0.05, 0.04, 0.03, 0.02, 0.02, 0.02)
PORTS = tuple(f"{p:04d}" for p in (2704, 2720, 4701, 4196, 5206, 3901, 1704, 2006, 5501, 2709, 1001, 3002, 5301,
                                   4601, 2809, 3101, 1303, 2304, 5203, 4101))


def write_seizures(path: Path, registrations: list[str], lines: int, seed: int = 1) -> int:
    """``lines`` rows of seizures.csv; returns the number of seizures."""
    rng = np.random.default_rng(seed)
    per = rng.choice([1, 2, 3, 4], size=lines, p=[0.5, 0.25, 0.15, 0.1])
    sizes = per[np.cumsum(per) <= lines]
    if sizes.sum() < lines:
        sizes = np.append(sizes, lines - sizes.sum())
    n = len(sizes)
    start = np.datetime64("2020-10-01")
    days = rng.integers(0, 6 * 365, size=n)
    mode = rng.choice(len(MODES), size=n, p=MODE_P)
    origin = rng.choice(len(ORIGINS), size=n, p=ORIGIN_P)
    port = rng.integers(0, len(PORTS), size=n)
    disp = rng.choice(["forfeited", "destroyed", "abandoned", "pending"], size=n, p=[0.5, 0.3, 0.15, 0.05])
    cat = rng.choice(len(CATEGORIES), size=lines, p=CAT_P)
    rec = rng.integers(0, len(registrations), size=lines)
    qty = rng.integers(1, 500, size=lines)
    msrp = np.round(rng.lognormal(4.0, 1.1, size=lines), 2)
    dom = np.round(qty * msrp * rng.uniform(0.02, 0.15, size=lines), 2)
    row = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("seizure_number", "seizure_date", "port_code", "mode", "entry_number", "importer_name",
                    "importer_address", "shipper_name", "shipper_address", "origin_country", "registration_number",
                    "product_category", "description", "quantity", "msrp_unit_usd", "domestic_value_usd",
                    "disposition"))
        for i in range(n):
            day = str(start + int(days[i]))
            head = (f"B{i:012d}", day, PORTS[port[i]], MODES[mode[i]], f"BEN-{i:07d}-1", f"Importer {i % 50000} LLC",
                    f"{i % 9000} Main St, Reno, NV", f"Shipper {i % 20000} Ltd.", f"{i % 700} Export Rd, Shenzhen",
                    ORIGINS[origin[i]])
            for _ in range(int(sizes[i])):
                w.writerow((*head, registrations[rec[row]], CATEGORIES[cat[row]], "synthetic goods", int(qty[row]),
                            f"{msrp[row]:.2f}", f"{dom[row]:.2f}", disp[i]))
                row += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database (tests' admin URL)")
    ap.add_argument("--out", type=Path, default=RESULTS / "seizure_report.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-seizures-"))
    drop = None
    if args.postgres:
        os.environ["PATHWAYS_TEST_DATABASE"] = "postgresql"
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.conftest import _create_database

        url, drop = _create_database(tmp)
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    os.environ.update(PATHWAYS_DATABASE_URL=url, PATHWAYS_VAR_DIR=str(tmp / "var"), PATHWAYS_SECRET_KEY="bench")

    from pathways.core.policy import system_viewer
    from pathways.identity import service as identity
    from pathways.registry.importer import import_recordations
    from pathways.seizures import report
    from pathways.seizures.importer import import_seizures
    from pathways.store import migrate
    from pathways.store.session import unit_of_work
    from pathways.world.generate import generate_world

    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    migrate.upgrade()
    generate_world(tmp / "world", seed=1, scale="tiny")
    with unit_of_work(system_viewer("bench")) as session:
        viewer = system_viewer("bench", identity.agency(session).id)
    with unit_of_work(viewer) as session:
        import_recordations(session, viewer, tmp / "world" / "recordations.csv")
    with (tmp / "world" / "recordations.csv").open(encoding="utf-8") as f:
        registrations = [r["registration_number"] for r in csv.DictReader(f)]
    t = time.perf_counter()
    seizures = write_seizures(tmp / "seizures.csv", registrations, args.lines)
    t_write = time.perf_counter() - t
    t = time.perf_counter()
    with unit_of_work(viewer) as session:
        rep = import_seizures(session, viewer, tmp / "seizures.csv")
    t_import = time.perf_counter() - t
    assert rep.lines == args.lines and not rep.rejects, rep.summary

    with unit_of_work(viewer, readonly=True) as session:
        fy = max(report.fiscal_years(session, viewer)[1:2] or [report.latest_fiscal_year(session, viewer)])
    timings: dict[str, float] = {}
    for label in ("cold", "warm"):
        t = time.perf_counter()
        with unit_of_work(viewer, readonly=True) as session:
            r = report.build_report(session, viewer, fy)
        t_query = time.perf_counter() - t
        html = report.render(r, "html")
        timings[f"{label}_queries_s"] = round(t_query, 3)
        timings[f"{label}_html_total_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    pdf = report.render(r, "pdf")
    timings["pdf_render_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    report.render(r, "csv")
    timings["csv_render_s"] = round(time.perf_counter() - t, 3)
    result = {
        "benchmark": "seizure_report", "engine": "postgresql" if args.postgres else "sqlite",
        "seizure_lines": args.lines, "seizures": seizures, "fiscal_year": fy, "year_seizures": r.seizures,
        "year_lines": r.lines, "generate_csv_s": round(t_write, 1), "import_s": round(t_import, 1),
        "import_lines_per_s": round(args.lines / t_import), **timings, "html_bytes": len(html), "pdf_bytes": len(pdf),
        "target_s": 10.0, "meets_target": timings["cold_html_total_s"] < 10.0,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "uptime_before": load,
                    "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if drop:
        drop()


if __name__ == "__main__":
    main()
