"""``pathways resolve dedupe``: resolve any spreadsheet of party records without loading it anywhere.

Writes ``id, entity_id`` for every usable row (the entity id is the smallest record id of the entity),
optionally the scored pairs, and the rows it could not use to ``OUT.rejects.csv`` with their row number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pathways.core.errors import InvalidInput
from pathways.core.imports import write_rejects
from pathways.resolve.linkage import Linkage, LinkSettings, link
from pathways.resolve.records import read_records

IDENTICAL = "identical after normalization"


@dataclass
class DedupeSummary:
    records: int
    entities: int
    pairs_written: int
    review_pairs: int
    rejected: int
    rejects_path: Path | None
    ignored_columns: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _pairs_with_copies(linkage: Linkage) -> pl.DataFrame:
    """Scored pairs, plus one line per record identical to another (the copy is not scored again)."""
    pairs = pl.from_arrow(linkage.pairs)
    assert isinstance(pairs, pl.DataFrame)
    pairs = pairs.select("id_l", "id_r", "probability", "match_weight", "explanation")
    reps = linkage.representative_of
    if reps is None:
        return pairs
    copies = pl.from_arrow(reps)
    assert isinstance(copies, pl.DataFrame)
    copies = copies.filter(pl.col("id") != pl.col("rep")).select(
        pl.col("rep").alias("id_l"), pl.col("id").alias("id_r"), pl.lit(1.0).alias("probability"),
        pl.lit(None, pl.Float64).alias("match_weight"), pl.lit(IDENTICAL).alias("explanation"))
    return pl.concat([pairs, copies]).sort("id_l", "id_r")


def dedupe_file(path: Path, out: Path, *, other_path: Path | None = None, pairs_path: Path | None = None,
                settings: LinkSettings = LinkSettings(),
                on_stage: Callable[[str], None] | None = None) -> DedupeSummary:
    stage = on_stage or (lambda _s: None)
    stage(f"reading {path.name}")
    main = read_records(path)
    rejects, ignored = list(main.rejects), list(main.ignored_columns)
    other = None
    if other_path is not None:
        stage(f"reading {other_path.name}")
        linked = read_records(other_path)
        other, ignored = linked.records, ignored + [c for c in linked.ignored_columns if c not in ignored]
        if linked.rejects:
            write_rejects(out.with_name(f"{out.name}.{other_path.stem}.rejects.csv"), linked.header, linked.rejects)
        rejects += linked.rejects
    if main.records.num_rows == 0 or (other is not None and other.num_rows == 0):
        raise InvalidInput("no usable rows to resolve (see the rejects file)" if rejects else "no rows to resolve")
    linkage = link(main.records, settings=settings, other=other, keep_candidates=False, on_stage=stage)
    stage(f"writing {out.name}")
    clusters = pl.from_arrow(linkage.clusters)
    assert isinstance(clusters, pl.DataFrame)
    ids = [t.column("id").to_pylist() for t in (main.records, other) if t is not None]
    order = pl.DataFrame({"id": [i for part in ids for i in part]}, schema={"id": pl.String})
    result = order.join(clusters.rename({"cluster_id": "entity_id"}), on="id", how="left", maintain_order="left")
    result.write_csv(out)
    pairs_written = 0
    if pairs_path is not None:
        pairs = _pairs_with_copies(linkage)
        pairs.write_csv(pairs_path, float_precision=6)
        pairs_written = pairs.height
    rejects_path = None
    if main.rejects:
        rejects_path = out.with_name(out.name + ".rejects.csv")
        write_rejects(rejects_path, main.header, main.rejects)
    return DedupeSummary(records=result.height, entities=result["entity_id"].n_unique(), pairs_written=pairs_written,
                         review_pairs=int(linkage.stats["review_pairs"]), rejected=len(rejects),
                         rejects_path=rejects_path, ignored_columns=ignored,
                         stats=linkage.stats)
