"""A new record's parties placed among existing entities, online: latency and how often they land right.

A database of its own (SQLite in a temporary folder, or PostgreSQL with ``--postgres``) is loaded with a
world (``--scale``, default small: 200,000 manifest lines, their seizures and 20,000 tips), resolved once
by ``pathways resolve run``'s code (timed: the platform's full run). Then ``--samples`` times a seizure is
recorded whose shipper is an existing party written slightly differently (another case, the address
without its ZIP), and its parties are placed with ``resolve.online.resolve_new``: the time of that call,
and whether the shipper joined the entity of the party it copies. Writes
``bench/results/entities_online.json`` (``_postgres`` with ``--postgres``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", default="small", choices=("tiny", "small", "medium"))
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pathways-entities-"))
    drop = None
    if args.postgres:
        from tests.conftest import _create_database

        url, drop = _create_database(tmp)
        os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = str(tmp / "var")
    try:
        result = run(args, tmp)
    finally:
        if drop:
            drop()
    out = RESULTS / ("entities_online_postgres.json" if args.postgres else "entities_online.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def run(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    from sqlalchemy import select

    from pathways import demo
    from pathways.identity import service as identity
    from pathways.resolve import online, service
    from pathways.resolve.mentions import NEW_PARTIES
    from pathways.resolve.models import Mention
    from pathways.seizures import service as seizures
    from pathways.store import migrate
    from pathways.store.session import unit_of_work
    from pathways.world.generate import generate_world

    migrate.upgrade()
    viewer = identity.operator_viewer("bench")
    with unit_of_work(viewer) as s:
        identity.load_offices(s, viewer)
    world = Path(tempfile.gettempdir()) / f"pathways-bench-world-{args.scale}-{args.seed}"
    if not (world / "world.json").exists():
        generate_world(world, seed=args.seed, scale=args.scale)
    timings: dict[str, float] = {}
    for name, step in (("registry", demo._registry_step), ("screening", demo._screening_step),
                       ("seizures", demo._seizures_step), ("tips", demo._tips_step)):
        t = time.perf_counter()
        step(world)
        timings[f"load_{name}_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    with unit_of_work(viewer) as s:
        r = service.run(s, viewer)
    timings["resolution_run_s"] = round(time.perf_counter() - t, 1)
    with unit_of_work(viewer, readonly=True) as s:
        shippers = s.execute(select(Mention.id, Mention.value, Mention.record_id, Mention.entity_id).where(
            Mention.source == "screening", Mention.field == "shipper", Mention.kind == "organization")
            .limit(50_000)).all()
        rng = random.Random(args.seed)
        picks = rng.sample(shippers, min(args.samples, len(shippers)))
        addresses = dict(s.execute(select(Mention.record_id, Mention.value).where(
            Mention.record_id.in_([p.record_id for p in picks]), Mention.field == "shipper",
            Mention.kind == "address")).all())
    latencies, right = [], 0
    for i, p in enumerate(picks):
        name = p.value.upper() if i % 2 else p.value.title()
        with unit_of_work(viewer) as s:
            sz = seizures.record_seizure(
                s, viewer, port_code="2704", mode="express", entry_number=f"BENCH{i:06d}", origin_country="CN",
                parties=seizures.Parties(shipper_name=name, shipper_address=addresses.get(p.record_id, "")),
                lines=[seizures.LineIn("Footwear", 1, "10.00")], seized_on=date(2026, 11, 2),
                disclose_to_owners=False)
            sid = sz.id
            s.info.pop(NEW_PARTIES, None)  # placed below, timed on its own
        t = time.perf_counter()
        with unit_of_work(viewer) as s:
            placed = online.resolve_new(s, viewer, [("seizure", sid)])
        latencies.append(time.perf_counter() - t)
        right += any(pl.entity_id == p.entity_id for pl in placed)
    latencies.sort()
    return {
        "benchmark": "entities_online",
        "database": "postgresql" if args.postgres else "sqlite",
        "scale": args.scale,
        "party_records": r.records,
        "entities": r.entities,
        "review_pairs": r.review_pairs,
        **timings,
        "samples": len(latencies),
        "placement_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "placement_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "placement_max_ms": round(latencies[-1] * 1000, 1),
        "joined_the_copied_party": round(right / len(latencies), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
                    "load_average": os.getloadavg()},
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
