"""The company a party keeps: evidence from the other parties named in the same source record.

A tip names a man "Juan Kim" and nothing else; alone, the name fits every Juan Kim on file. But the same
tip names two others, and one of the Juan Kims on file has been named beside those same parties in other
tips. Parties named together in records (co-subjects of a tip, the importer, shipper and consignee of a
manifest line) are relations, and shared relations are evidence of identity (collective entity
resolution, Bhattacharya and Getoor 2007).

After a first clustering, each cluster's *company* is the set of clusters named beside its members in
their records. A weak pair whose two clusters keep the same company *in different records* gains a
Bayes factor ``m / u`` for the rarest such shared party ``z``:

- ``u`` = the chance that an unrelated cluster keeps company with ``z`` = (clusters ``z`` is named
  with) / (clusters with any company): a freight forwarder named beside thousands says almost nothing,
  a co-subject named beside five says a lot;
- ``m`` = the chance that a record shares some company with the rest of its own cluster, measured on
  the first clustering (no labels).

Evidence only ever adds: a pair with no shared company keeps its weight. Two records in one source
record are not made alike by the parties around them both (that company must come from other records).
"""

from __future__ import annotations

import polars as pl

WORDS = "named beside the same party in other records"


def _edges(members: pl.DataFrame) -> pl.DataFrame:
    """(cluster, neighbour, record): ``neighbour`` is another cluster named in ``record`` with ``cluster``."""
    named = members.filter(pl.col("record").is_not_null()).select("record", "cluster_id").unique()
    pairs = named.join(named, on="record", suffix="_z").filter(pl.col("cluster_id") != pl.col("cluster_id_z"))
    return pairs.select(pl.col("cluster_id").alias("c"), pl.col("cluster_id_z").alias("z"), "record")


def _kept(edges: pl.DataFrame) -> pl.DataFrame:
    """Per (cluster, neighbour): in how many records, and the first of them."""
    return edges.group_by("c", "z").agg(pl.col("record").n_unique().alias("n_rec"), pl.col("record").min().alias("rec"))


def _m(edges: pl.DataFrame, kept: pl.DataFrame) -> float:
    """Share of records (in clusters named in two records or more) that share a neighbour with another record
    of their own cluster."""
    per_cluster = edges.group_by("c").agg(pl.col("record").n_unique().alias("records"))
    shared = (edges.join(kept, on=["c", "z"]).join(per_cluster, on="c").filter(pl.col("records") >= 2)
              .group_by("c", "record").agg((pl.col("n_rec") >= 2).any().alias("shares")))
    return float(shared["shares"].cast(pl.Float64).mean() or 0.0) if shared.height else 0.0  # type: ignore[arg-type]


def company_evidence(members: pl.DataFrame, pairs: pl.DataFrame, floor: float) -> tuple[pl.DataFrame, float]:
    """``members``: id, record, cluster_id (the first clustering); ``pairs``: id_l, id_r, probability,
    names_agree (the names are the same name, see ``comparisons.NAMES_AGREE``).

    Returns id_l, id_r, company_weight (log2 of the Bayes factor, > 0) for the pairs with agreeing names at
    or above ``floor`` whose clusters differ and keep the same company in other records; and ``m``."""
    empty = pl.DataFrame(schema={"id_l": pl.String, "id_r": pl.String, "company_weight": pl.Float64})
    edges = _edges(members)
    if edges.is_empty():
        return empty, 0.0
    kept = _kept(edges)
    m = _m(edges, kept)
    if m <= 0:
        return empty, m
    degree = kept.group_by("z").agg(pl.col("c").n_unique().alias("deg"))
    with_company = kept["c"].n_unique()
    cluster_of = members.select("id", "cluster_id")
    weak = (pairs.filter((pl.col("probability") >= floor) & pl.col("names_agree")).select("id_l", "id_r")
            .join(cluster_of.rename({"id": "id_l", "cluster_id": "c_l"}), on="id_l")
            .join(cluster_of.rename({"id": "id_r", "cluster_id": "c_r"}), on="id_r")
            .filter(pl.col("c_l") != pl.col("c_r")))
    if weak.is_empty():
        return empty, m
    clusters = weak.select("c_l", "c_r").unique()
    # Expand the side with fewer neighbours and look the other side up: a cluster named beside thousands
    # is never expanded against each of its weak partners.
    size = kept.group_by("c").len().rename({"len": "k"})
    clusters = (clusters.join(size.rename({"c": "c_l", "k": "k_l"}), on="c_l", how="left")
                .join(size.rename({"c": "c_r", "k": "k_r"}), on="c_r", how="left")
                .filter(pl.col("k_l").is_not_null() & pl.col("k_r").is_not_null()))
    small_left = pl.col("k_l") <= pl.col("k_r")
    oriented = clusters.select(pl.when(small_left).then("c_l").otherwise("c_r").alias("a"),
                               pl.when(small_left).then("c_r").otherwise("c_l").alias("b"), "c_l", "c_r")
    side_a = kept.rename({"c": "a", "n_rec": "n_a", "rec": "rec_a"})
    side_b = kept.rename({"c": "b", "n_rec": "n_b", "rec": "rec_b"})
    shared = (oriented.join(side_a, on="a").join(side_b, on=["b", "z"])
              .filter((pl.col("z") != pl.col("a")) & (pl.col("z") != pl.col("b"))
                      & ((pl.col("rec_a") != pl.col("rec_b")) | (pl.col("n_a") > 1) | (pl.col("n_b") > 1)))
              .join(degree, on="z").group_by("c_l", "c_r").agg(pl.col("deg").min()))
    weight = (pl.lit(m * with_company) / pl.col("deg")).log(2)
    scored = shared.with_columns(weight.alias("company_weight")).filter(pl.col("company_weight") > 0)
    out = weak.join(scored.select("c_l", "c_r", "company_weight"), on=["c_l", "c_r"])
    return out.select("id_l", "id_r", pl.col("company_weight").cast(pl.Float64)), m


def with_company(pairs: pl.DataFrame, evidence: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` with the company weight added to the match weight, probability and explanation."""
    if evidence.is_empty():
        return pairs
    joined = pairs.join(evidence, on=["id_l", "id_r"], how="left")
    extra = pl.col("company_weight")
    weight = pl.col("match_weight") + extra
    words = pl.concat_str([pl.col("explanation"), pl.lit(f"; {WORDS} +"), extra.round(1).cast(pl.String)])
    return joined.with_columns(
        pl.when(extra.is_null()).then(pl.col("match_weight")).otherwise(weight).alias("match_weight"),
        pl.when(extra.is_null()).then(pl.col("probability"))
        .otherwise(1.0 / (1.0 + (2.0 ** (-weight)))).alias("probability"),
        pl.when(extra.is_null()).then(pl.col("explanation")).otherwise(words).alias("explanation"),
    ).drop("company_weight")

