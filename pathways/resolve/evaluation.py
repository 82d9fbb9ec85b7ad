"""Quality of a resolution against ground truth: pairwise and B-cubed precision, recall and F1, and
the share of true pairs that blocking kept as candidates.

Pairs are counted, never listed: a cluster of n records implies n(n-1)/2 pairs, so millions of
mentions of one importer cost one group-by, not a trillion rows.
"""

from __future__ import annotations

from typing import Any

import polars as pl


def _pairs(n: pl.Expr) -> pl.Expr:
    return (n * (n - 1) / 2).sum()


def _prf(tp: float, predicted: float, true: float) -> dict[str, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def pairwise(assigned: pl.DataFrame) -> dict[str, float]:
    """``assigned``: id, cluster_id, party_id. Precision and recall over all implied record pairs."""
    tp = assigned.group_by("cluster_id", "party_id").len().select(_pairs(pl.col("len"))).item()
    predicted = assigned.group_by("cluster_id").len().select(_pairs(pl.col("len"))).item()
    true = assigned.group_by("party_id").len().select(_pairs(pl.col("len"))).item()
    return {**_prf(tp, predicted, true), "true_pairs": int(true), "predicted_pairs": int(predicted)}


def bcubed(assigned: pl.DataFrame) -> dict[str, float]:
    """B-cubed: each record's share of its cluster that is its party (precision) and of its party that is
    in its cluster (recall), averaged over records."""
    both = assigned.group_by("cluster_id", "party_id").len().rename({"len": "n"})
    both = both.join(assigned.group_by("cluster_id").len().rename({"len": "nc"}), on="cluster_id")
    both = both.join(assigned.group_by("party_id").len().rename({"len": "np"}), on="party_id")
    total = assigned.height
    p = both.select((pl.col("n") ** 2 / pl.col("nc")).sum()).item() / total
    r = both.select((pl.col("n") ** 2 / pl.col("np")).sum()).item() / total
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def blocking_recall(members: pl.DataFrame, candidates: pl.DataFrame) -> dict[str, Any]:
    """``members``: id, rep, party_id (rep = the record that stood for identical ones); ``candidates``: id_l,
    id_r of compared representatives. True pairs kept: within one representative, or across a compared
    pair. Both over all records and over distinct representatives (the stricter figure)."""
    counts = members.group_by("rep", "party_id").len().rename({"len": "n"})
    true_all = members.group_by("party_id").len().select(_pairs(pl.col("len"))).item()
    within = counts.select(_pairs(pl.col("n"))).item()
    cand = candidates.select(pl.col("id_l").alias("rep_l"), pl.col("id_r").alias("rep_r"))
    across = (cand.join(counts.rename({"rep": "rep_l", "n": "n_l"}), on="rep_l")
              .join(counts.rename({"rep": "rep_r", "n": "n_r"}), on=["rep_r", "party_id"]))
    kept_all = within + across.select((pl.col("n_l") * pl.col("n_r")).sum()).item()
    distinct_true = counts.group_by("party_id").len().select(_pairs(pl.col("len"))).item()
    distinct_kept = across.height
    return {"records": round(kept_all / true_all, 4) if true_all else 1.0,
            "distinct_records": round(distinct_kept / distinct_true, 4) if distinct_true else 1.0,
            "true_pairs": int(true_all), "distinct_true_pairs": int(distinct_true)}


def indistinguishable(featured: pl.DataFrame, columns: list[str]) -> dict[str, Any]:
    """``featured``: id, party_id, true_kind and the normalized ``columns``. Records written exactly like a
    record of another true party (every normalized field the same: a bare "Steven Kim" in two tips about
    two Steven Kims) cannot be told apart by anything they say; only the company they keep can. Their count
    and the share of each kind's true pairs they take part in."""
    key = pl.concat_str([pl.col(c).fill_null("\x00") for c in columns], separator="\x01")
    marked = featured.with_columns((pl.col("party_id").n_unique().over(key) > 1).alias("_shared"))
    out: dict[str, Any] = {"records": int(marked["_shared"].sum())}
    for kind in ("person", "organization"):
        per_party = (marked.filter(pl.col("true_kind") == kind).group_by("party_id")
                     .agg(pl.len().alias("n"), pl.col("_shared").sum().alias("k")))
        true = per_party.select(_pairs(pl.col("n"))).item()
        clear = per_party.select(_pairs(pl.col("n") - pl.col("k"))).item()
        out[f"share_of_true_pairs_{kind}"] = round(1 - clear / true, 4) if true else 0.0
    return out
