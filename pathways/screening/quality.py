"""Screening quality against a synthetic world's ground truth (truth/manifest_lines.csv)."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def evaluate(hits: pl.DataFrame, lines: pl.DataFrame, truth_csv: Path) -> dict[str, dict[str, float]]:
    """Recall of counterfeit lines, and precision among lines targeted at the threshold (the
    compliance sample excluded), overall and by mode."""
    truth = pl.read_csv(truth_csv, schema_overrides={"is_counterfeit": pl.String})
    cf = truth.filter(pl.col("is_counterfeit") == "true").select("line_id").with_columns(pl.lit(True).alias("cf"))
    df = (lines.select("line_id", "mode")
          .join(hits.select("line_id", "targeted"), on="line_id", how="left")
          .join(cf, on="line_id", how="left")
          .with_columns(pl.col("targeted").fill_null(False), pl.col("cf").fill_null(False)))
    out: dict[str, dict[str, float]] = {}
    for mode, part in [("all", df), *[(m, df.filter(pl.col("mode") == m)) for m in ("express", "mail", "cargo")]]:
        tp = part.filter(pl.col("cf") & pl.col("targeted")).height
        positives = part.filter(pl.col("cf")).height
        targeted = part.filter(pl.col("targeted")).height
        out[mode] = {"lines": part.height, "counterfeit": positives, "targeted": targeted, "true_positives": tp,
                     "recall": round(tp / positives, 4) if positives else 1.0,
                     "precision": round(tp / targeted, 4) if targeted else 1.0}
    return out
