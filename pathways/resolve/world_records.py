"""Party records with their true party, read from a generated world: the ground truth resolution is
measured against (bench/resolve.py, tests/resolve).

Tip subjects come with what the tip says (name, date of birth, phone, e-mail, address); seizure and
manifest parties with their name and address as written, and no kind (screening records every manifest
name as an organization, so the kind is inferred). Manifest lines are sampled to fill ``size`` records.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa

from pathways.resolve.records import SCHEMA

FIELDS = ("importer", "shipper", "consignee")


def _tips(world: Path, truth: pl.DataFrame) -> pl.DataFrame:
    rows = []
    with (world / "tips.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            tip = json.loads(line)
            for i, s in enumerate(tip.get("subjects") or []):
                if s.get("name"):
                    rows.append({"record_id": tip["external_id"], "field": f"subjects[{i}]", "name": s["name"],
                                 "dob": s.get("dob"), "phone": s.get("phone"), "email": s.get("email"),
                                 "address": s.get("address")})
    # The tip's location is where something happened, not where the subject lives: no country.
    df = pl.DataFrame(rows, schema={k: pl.String for k in ("record_id", "field", "name", "dob", "phone", "email",
                                                          "address")})
    df = df.join(truth.filter(pl.col("source") == "tips.jsonl"), on=["record_id", "field"], how="inner")
    return df.with_columns(pl.lit("person").alias("kind"), pl.lit("tips").alias("source"),
                           pl.concat_str([pl.lit("T:"), pl.col("record_id")]).alias("record"),
                           pl.concat_str([pl.lit("T:"), pl.col("record_id"), pl.lit(":"), pl.col("field")]).alias("id"))


def _seizures(world: Path, truth: pl.DataFrame) -> pl.DataFrame:
    sz = pl.read_csv(world / "seizures.csv", infer_schema=False)
    sz = sz.with_columns((pl.col("seizure_number") + "/" + (pl.int_range(pl.len()).over("seizure_number") + 1)
                          .cast(pl.String)).alias("record_id"))
    parts = [sz.select("record_id", pl.lit(f).alias("field"), pl.col(f"{f}_name").alias("name"),
                       pl.col(f"{f}_address").alias("address")) for f in ("importer", "shipper")]
    df = pl.concat(parts).join(truth.filter(pl.col("source") == "seizures.csv"), on=["record_id", "field"])
    return df.with_columns(pl.lit("seizures").alias("source"),
                           pl.concat_str([pl.lit("S:"), pl.col("record_id")]).alias("record"),
                           pl.concat_str([pl.lit("S:"), pl.col("record_id"), pl.lit(":"), pl.col("field")]).alias("id"))


def _manifests(world: Path, lines: int) -> pl.DataFrame:
    files = sorted((world / "manifests").glob("*.parquet"))
    scan = pl.scan_parquet(files)
    total = scan.select(pl.len()).collect().item()
    step = max(1, total // max(lines, 1))
    picked = scan.filter(pl.int_range(pl.len()) % step == 0).head(lines)
    cols = ["line_id"] + [f"{f}_{c}" for f in FIELDS for c in ("name", "address")] + ["importer_country",
                                                                                        "shipper_country"]
    df = picked.select(cols).collect()
    parts = [df.select(pl.col("line_id").alias("record_id"), pl.lit(f).alias("field"),
                       pl.col(f"{f}_name").alias("name"), pl.col(f"{f}_address").alias("address"),
                       (pl.col(f"{f}_country") if f != "consignee" else pl.lit(None, pl.String)).alias("country"))
             for f in FIELDS]
    mentions = pl.concat(parts)
    scan_truth = pl.scan_parquet(sorted((world / "truth" / "manifest_mentions").glob("*.parquet")))
    truth = scan_truth.join(df.lazy().select(pl.col("line_id").alias("record_id")), on="record_id").collect()
    out = mentions.join(truth.select("record_id", "field", "party_id"), on=["record_id", "field"])
    record_id = pl.concat_str([pl.lit("M:"), pl.col("record_id"), pl.lit(":"), pl.col("field")])
    return out.with_columns(pl.lit("manifests").alias("source"), record_id.alias("id"),
                            pl.concat_str([pl.lit("M:"), pl.col("record_id")]).alias("record"))


def world_records(world: Path, size: int) -> tuple[pa.Table, pl.DataFrame]:
    """(records in the record schema, truth: id, party_id, true_kind person|organization) of ``size`` rows."""
    truth = pl.read_csv(world / "truth" / "mentions.csv", infer_schema=False)
    parts = [_tips(world, truth), _seizures(world, truth)]
    have = sum(p.height for p in parts)
    parts.append(_manifests(world, max(0, (size - have) // 3 + 1)))
    wanted = ("party_id", *SCHEMA.names)
    df = pl.concat([p.select([c for c in wanted if c in p.columns]) for p in parts],
                   how="diagonal_relaxed").head(size)
    parties = pl.read_csv(world / "parties.csv", infer_schema=False).select(
        "party_id", pl.when(pl.col("kind") == "company").then(pl.lit("organization")).otherwise(pl.lit("person"))
        .alias("true_kind"))
    truth_out = df.select("id", "party_id").join(parties, on="party_id", how="left", maintain_order="left")
    for c in SCHEMA.names:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    return df.select(SCHEMA.names).to_arrow().cast(SCHEMA), truth_out
