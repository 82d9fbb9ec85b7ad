"""Build a whole synthetic world into a directory. `generate_world` is the one entry point."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pathways.identity.offices_file import load_offices
from pathways.world.brands import build_brands
from pathways.world.context import build_context
from pathways.world.geo import OfficeGeography
from pathways.world.manifests import ManifestTruth, write_manifests
from pathways.world.networks import build_networks
from pathways.world.parties import Parties, build_legit_parties
from pathways.world.rng import stream
from pathways.world.scales import get_scale
from pathways.world.seizures import SEIZURE_COLUMNS, build_seizures, seizure_record_ids
from pathways.world.tips import TipFactory, TipTruth, generate_tips
from pathways.world.truth import (
    write_manifest_truth,
    write_mentions,
    write_networks,
    write_parties,
    write_recordations,
    write_tip_truth,
)
from pathways.world.writers import sha256_file, write_csv, write_lines

FORMAT_VERSION = 1

# progress(stage, advance, total): called as work completes; stage names are stable.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class WorldFile:
    path: str  # relative to the world directory, with forward slashes
    sha256: str
    bytes: int


@dataclass
class WorldSummary:
    out_dir: Path
    seed: int
    scale: str
    format: str
    counts: dict[str, int]
    files: list[WorldFile] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {v:,}" for k, v in self.counts.items())
        return f"{self.scale} world, seed {self.seed}, in {self.elapsed_seconds:.1f}s: {counts}"


def generate_world(out_dir: str | Path, seed: int, scale: str, progress: Progress | None = None,
                   fmt: str = "parquet") -> WorldSummary:
    """Generate the world for (seed, scale) into out_dir (replacing generated files already there)."""
    started = time.perf_counter()
    sc = get_scale(scale)
    if fmt not in ("parquet", "csv", "jsonl"):
        raise ValueError(f"unknown format {fmt!r}; choose parquet, csv or jsonl")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("manifests", "truth"):
        shutil.rmtree(out / stale, ignore_errors=True)

    def tick(stage: str, advance: int, total: int) -> None:
        if progress:
            progress(stage, advance, total)

    tick("parties", 0, 1)
    offices = load_offices()
    parties = Parties()
    pools = build_legit_parties(parties, stream(seed, "parties"), sc.importers, sc.shippers, sc.forwarders,
                                sc.consumers)
    brands = build_brands(stream(seed, "brands"), sc.recordations, parties, pools)
    networks = build_networks(parties, stream(seed, "networks"), brands, sc.rings, sc.smuggling_orgs)
    ctx = build_context(parties, pools, brands, networks, stream(seed, "context"))
    write_recordations(out, brands, parties)
    write_parties(out, parties)
    write_networks(out, networks, parties)
    tick("parties", 1, 1)

    mtruth = ManifestTruth()
    tick("manifests", 0, sc.manifest_lines)
    write_manifests(ctx, seed, sc.manifest_lines, sc.chunk_lines, out, fmt, mtruth,
                    progress=lambda n: tick("manifests", n, sc.manifest_lines))
    write_manifest_truth(out, mtruth, brands)

    tick("seizures", 0, 1)
    seizure_rows, sources = build_seizures(seed, mtruth.counterfeit, brands)
    write_csv(out / "seizures.csv", SEIZURE_COLUMNS, seizure_rows)
    mentions: list[tuple[str, str, str, str]] = []
    for rid, line in zip(seizure_record_ids(seizure_rows), sources, strict=True):
        mentions.append(("seizures.csv", rid, "importer", parties.party_id[line["importer"]]))
        mentions.append(("seizures.csv", rid, "shipper", parties.party_id[line["shipper"]]))
    tick("seizures", 1, 1)

    ttruth = TipTruth()
    tick("tips", 0, sc.tips)
    factory = TipFactory(ctx, offices, OfficeGeography(offices), seed)
    n_tips = write_lines(out / "tips.jsonl", generate_tips(factory, sc.tips, sc.viral_max, ttruth,
                                                           progress=lambda n: tick("tips", n, sc.tips)))
    write_tip_truth(out, ttruth)
    write_mentions(out, mentions + ttruth.mentions)

    counts = {
        "recordations": len(brands.recordations), "products": len(brands.products), "parties": len(parties),
        "networks": len(networks), "manifest_lines": sc.manifest_lines,
        "counterfeit_lines": sum(1 for r in mtruth.rows if r[1]), "truth_manifest_lines": len(mtruth.rows),
        "seizure_lines": len(seizure_rows), "seizures": len({r[0] for r in seizure_rows}), "tips": n_tips,
        "tip_duplicate_groups": len({g for _, g in ttruth.groups}),
    }
    files = [WorldFile(p.relative_to(out).as_posix(), sha256_file(p), p.stat().st_size)
             for p in sorted(out.rglob("*")) if p.is_file() and p.name != "world.json"]
    manifest = {"generator": "pathways.world", "format_version": FORMAT_VERSION, "seed": seed, "scale": scale,
                "format": fmt, "counts": counts, "files": [f.__dict__ for f in files]}
    (out / "world.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return WorldSummary(out, seed, scale, fmt, counts, files, time.perf_counter() - started)
