"""Benchmark entity resolution end to end on a world's ground truth: quality, speed, memory, baseline.

Usage: .venv/bin/python bench/resolve.py [--world /tmp/w-medium] [--records 1000000] [--engine duckdb]
                                         [--threshold 0.9] [--review-low 0.5]
Generate the world first: pathways world generate --scale medium --out /tmp/w-medium
Writes bench/results/resolve.json (one object per records/engine, merged with earlier runs).

Quality: pairwise precision/recall/F1 per true kind over all implied record pairs, and B-cubed for
clusters; blocking recall of true pairs; review-band pairs per 10,000 records. Baseline: records with
the same kind and normalized name key are one party (exact normalized-key matching).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pathways.resolve.evaluation import bcubed, blocking_recall, indistinguishable, pairwise  # noqa: E402
from pathways.resolve.features import FEATURE_COLUMNS, features  # noqa: E402
from pathways.resolve.incremental import candidate_keys, score_candidates  # noqa: E402
from pathways.resolve.linkage import LinkSettings, link  # noqa: E402
from pathways.resolve.world_records import world_records  # noqa: E402


def quality(assigned: pl.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {"bcubed": bcubed(assigned), "pairwise_all": pairwise(assigned)}
    for kind in ("person", "organization"):
        out[f"pairwise_{kind}"] = pairwise(assigned.filter(pl.col("true_kind") == kind))
    return out


def threshold_sweep(linkage: object, truth: pl.DataFrame) -> dict[str, object]:
    """Quality if the match threshold were moved (the pairs kept reach down to the review band)."""
    from pathways.resolve.clusters import cluster

    reps = pl.from_arrow(linkage.representative_of)  # type: ignore[attr-defined]
    pairs = pl.from_arrow(linkage.pairs)  # type: ignore[attr-defined]
    assert isinstance(reps, pl.DataFrame) and isinstance(pairs, pl.DataFrame)
    copies = [(a, b, 1.0) for a, b in reps.filter(pl.col("id") != pl.col("rep")).iter_rows()]
    apart = list(zip(linkage.conflicts.column("id_l").to_pylist(),  # type: ignore[attr-defined]
                     linkage.conflicts.column("id_r").to_pylist(), strict=True))  # type: ignore[attr-defined]
    out: dict[str, object] = {}
    low = float(linkage.stats["review_low"])  # type: ignore[attr-defined]
    for threshold in [t for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99) if t >= low]:
        links = copies + list(pairs.select("id_l", "id_r", "probability").iter_rows())
        assignment = cluster(reps["id"].to_list(), links, threshold, not_same=apart)
        assigned = pl.DataFrame({"id": list(assignment), "cluster_id": list(assignment.values())}).join(truth, on="id")
        q = quality(assigned)
        out[str(threshold)] = {k: v["f1"] for k, v in q.items()}  # type: ignore[index]
    return out


def baseline(records: object, truth: pl.DataFrame) -> dict[str, object]:
    t = time.perf_counter()
    featured = pl.from_arrow(features(records))  # type: ignore[arg-type]
    assert isinstance(featured, pl.DataFrame)
    key = pl.concat_str([pl.col("entity_kind"), pl.col("name_key").fill_null(pl.col("id"))], separator="|")
    clusters = featured.select("id", key.alias("cluster_id"))
    seconds = time.perf_counter() - t
    alike = indistinguishable(featured.join(truth, on="id"), list(FEATURE_COLUMNS))
    return {"seconds": round(seconds, 2), **quality(clusters.join(truth, on="id")), "indistinguishable": alike}


def incremental_timing(linkage_models: dict, records: pl.DataFrame) -> dict[str, float]:
    persons = records.filter(pl.col("source") == "tips").head(51).to_dicts()
    new, candidates = persons[0], persons[1:]
    score_candidates(linkage_models, new, candidates)  # builds the scorer once per process
    runs = []
    for row in persons[:10]:
        t = time.perf_counter()
        score_candidates(linkage_models, {**row, "id": "new"}, candidates)
        runs.append(time.perf_counter() - t)
    t = time.perf_counter()
    keys = candidate_keys(new)
    return {"one_record_vs_50_candidates_seconds_median": round(sorted(runs)[len(runs) // 2], 4),
            "one_record_vs_50_candidates_seconds_max": round(max(runs), 4),
            "candidate_keys_seconds": round(time.perf_counter() - t, 4), "candidate_keys": len(keys)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--world", type=Path, default=Path("/tmp/w-medium"))
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    ap.add_argument("--threshold", type=float, default=LinkSettings.threshold)
    ap.add_argument("--review-low", type=float, default=LinkSettings.review_band[0])
    args = ap.parse_args()

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    records, truth = world_records(args.world, args.records)
    read_seconds = time.perf_counter() - t0
    t = time.perf_counter()
    settings = LinkSettings(engine=args.engine, threshold=args.threshold,
                            review_band=(args.review_low, args.threshold))
    linkage = link(records, settings=settings, keep_candidates=True)
    linkage.stats["review_low"] = args.review_low
    link_seconds = time.perf_counter() - t
    link_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # read and link() (candidates kept)
    stats = linkage.stats
    clusters = pl.from_arrow(linkage.clusters)
    assert isinstance(clusters, pl.DataFrame)
    assigned = clusters.join(truth, on="id")
    result_quality = quality(assigned)
    reps = pl.from_arrow(linkage.representative_of)
    candidates = pl.from_arrow(linkage.candidates)
    assert isinstance(reps, pl.DataFrame) and isinstance(candidates, pl.DataFrame)
    members = reps.join(truth.select("id", "party_id"), on="id")
    kept = blocking_recall(members, candidates)
    base = baseline(records, truth)
    alike = base.pop("indistinguishable")
    sweep = threshold_sweep(linkage, truth)
    timing = incremental_timing(linkage.models, pl.from_arrow(records))  # type: ignore[arg-type]
    per_kind = {k: stats[k] for k in ("person", "organization", "address") if k in stats}
    predict_seconds = sum(v["predict_seconds"] for v in per_kind.values())
    blocking_seconds = sum(v["blocking_seconds"] for v in per_kind.values())
    result = {
        "records": records.num_rows, "engine": args.engine, "world": str(args.world),
        "threshold": args.threshold, "review_band": [args.review_low, args.threshold],
        "wall_seconds": round(read_seconds + link_seconds, 1), "read_seconds": round(read_seconds, 1),
        "link_seconds": round(link_seconds, 1), "peak_rss_mib": round(link_peak / 1024),
        "peak_rss_mib_with_evaluation": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "representatives": stats["representatives"], "scored_pairs": stats["scored_pairs"],
        "scored_pairs_per_second_predict": round(stats["scored_pairs"] / predict_seconds) if predict_seconds else None,
        "scored_pairs_per_second_blocking_and_predict": round(
            stats["scored_pairs"] / (predict_seconds + blocking_seconds)) if predict_seconds else None,
        "pairs_kept": stats["pairs_kept"], "review_pairs": stats["review_pairs"],
        "pairs_joined_by_company": stats.get("company_pairs", 0),
        "review_pairs_per_10k_records": round(stats["review_pairs"] / records.num_rows * 10_000, 1),
        "clusters": stats["clusters"], "true_parties": truth["party_id"].n_unique(),
        "blocking_recall": kept, "indistinguishable_records": alike, "quality": result_quality,
        "f1_by_threshold": sweep, "baseline_exact_key": base,
        "incremental": timing, "stage_seconds": {
            "features": round(stats["features_seconds"], 1), "cluster": round(stats["cluster_seconds"], 1),
            "company": round(stats.get("company_seconds", 0.0), 1),
            **{f"{k}_{s}": round(v, 1) for k, d in per_kind.items() for s, v in
               [*d.get("timings", {}).items(), ("blocking", d["blocking_seconds"]), ("predict", d["predict_seconds"]),
                ("explain", d["explain_seconds"])]
               if s != "steps_undone"}},
        "per_kind": {k: {"records": d["records"], "scored_pairs": d["scored_pairs"]} for k, d in per_kind.items()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(), "python": platform.python_version(),
    }
    out_path = ROOT / "bench" / "results" / "resolve.json"
    runs = json.loads(out_path.read_text()) if out_path.exists() else {}
    runs[f"{records.num_rows}-{args.engine}-t{args.threshold}"] = result
    out_path.write_text(json.dumps(runs, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
