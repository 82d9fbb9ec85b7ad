"""Entity resolution of party records: Splink models per kind, trained without labels, then clusters.

Identical records (same kind and same normalized fields) are scored once: the smallest id of each such
group stands for it in the pairs, and the others follow it into its cluster. A manifest names the same
importer the same way thousands of times; comparing those copies would only cost time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker
from splink.internals.exceptions import EMTrainingException, SplinkException

from pathways.core.errors import InvalidInput
from pathways.resolve.blocking import DETERMINISTIC_RULES, TRAINING_RULES
from pathways.resolve.clusters import cluster
from pathways.resolve.company import company_evidence, with_company
from pathways.resolve.comparisons import KINDS, NAMES_AGREE, settings_for
from pathways.resolve.engines import ENGINES, db_api
from pathways.resolve.explain import at_levels, at_levels_sql, explain, inputs_of
from pathways.resolve.features import BESIDES_NAME, FEATURE_COLUMNS, features
from pathways.resolve.records import SCHEMA

MODEL_VERSION = 1
MATCH_COLUMNS = (*[c for c in FEATURE_COLUMNS if c != "entity_kind"], "address_common")
# Below this many distinct records, random pairs and EM say more about chance than about the data: the
# model keeps its starting m and u probabilities (comparisons.py) instead of being trained.
MIN_TRAINING_RECORDS = 300
TF_KEEP = 5_000  # most frequent values per term-frequency column kept in a saved model (for one-record scoring)
PAIR_SCHEMA = pa.schema([("id_l", pa.string()), ("id_r", pa.string()), ("kind", pa.string()),
                         ("probability", pa.float64()), ("match_weight", pa.float64()), ("explanation", pa.string())])
CLUSTER_SCHEMA = pa.schema([("id", pa.string()), ("cluster_id", pa.string())])


@dataclass(frozen=True)
class LinkSettings:
    threshold: float = 0.9  # match probability at or above which two records are the same
    review_band: tuple[float, float] = (0.5, 0.9)  # [low, high) probabilities that go to human review
    engine: str = "duckdb"  # or "spark"
    max_pairs_training: int = 2_000_000
    address_cap: int = 20  # an address written with this many different names or more carries no weight
    seed: int = 7
    # Pairs down to this probability are scored and may still join on the company their parties keep in
    # their records (``company``); only those at or above the review band are returned.
    company_floor: float = 0.01


@dataclass
class Linkage:
    pairs: pa.Table  # id_l < id_r, kind, probability, match_weight, explanation; probability >= review_band[0]
    clusters: pa.Table  # id, cluster_id (the smallest id of its cluster); every input id once
    models: dict[str, dict[str, Any]]  # per kind: {"splink": trained settings, "tf": ..., "common_addresses": ...}
    stats: dict[str, Any]
    candidates: pa.Table | None = None  # every compared pair (id_l, id_r, kind), when asked for
    # id, rep: the record that stood for it in the pairs (itself, or the smallest id of its identical records)
    representative_of: pa.Table | None = None
    # id_l, id_r: compared persons whose date of birth or middle initial disagree (kept in separate clusters)
    conflicts: pa.Table | None = None


def _check(records: pa.Table, other: pa.Table | None, settings: LinkSettings) -> None:
    if settings.engine not in ENGINES:
        raise InvalidInput(f"engine {settings.engine!r} is not one of {', '.join(ENGINES)}")
    low, high = settings.review_band
    if not 0 <= low <= high <= 1 or not 0 < settings.threshold <= 1:
        raise InvalidInput("the review band and threshold must be probabilities with low <= high")
    for table in (records, other):
        if table is None:
            continue
        missing = [c for c in ("id",) if c not in table.column_names]
        if missing:
            raise InvalidInput("records need an id column")
        ids = table.column("id")
        if ids.null_count:
            raise InvalidInput("every record needs an id")
        if len(pc.unique(ids)) != len(ids):
            raise InvalidInput("record ids must be unique")
    if other is not None:
        clash = set(records.column("id").to_pylist()) & set(other.column("id").to_pylist())
        if clash:
            raise InvalidInput(f"{len(clash)} ids are in both files (e.g. {sorted(clash)[0]!r}): prefix them")


def _featured(table: pa.Table) -> pl.DataFrame:
    if all(c in table.column_names for c in FEATURE_COLUMNS):
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        if "record" not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias("record"))
    else:
        full = table
        for name in SCHEMA.names:
            if name not in full.column_names:
                full = full.append_column(name, pa.nulls(len(full), pa.string()))
        df = pl.from_arrow(features(full))
    assert isinstance(df, pl.DataFrame)
    return df


def _mark_common_addresses(df: pl.DataFrame, cap: int, known: set[str]) -> tuple[pl.DataFrame, list[str]]:
    """``address_common`` = 1 where the street is written with ``cap`` or more different names."""
    key = pl.concat_str([pl.col("street_n"), pl.col("postcode_n").fill_null("")], separator="|")
    df = df.with_columns(key.alias("_address_key"))
    counts = (df.filter(pl.col("_address_key").is_not_null())
              .group_by("_address_key").agg(pl.col("name_key").n_unique().alias("_names")))
    common = set(counts.filter(pl.col("_names") >= cap)["_address_key"].to_list()) | known
    df = df.with_columns(pl.col("_address_key").is_in(list(common)).fill_null(False).cast(pl.Int8)
                         .alias("address_common")).drop("_address_key")
    return df, sorted(common)


def _representatives(df: pl.DataFrame) -> pl.DataFrame:
    """``rep``: the smallest id among the records identical to this one (same kind, dataset, fields).

    A record with nothing but a name stands only for the copies in its own source record: "Steven Kim"
    named alone in ten tips may be ten different Steven Kims, told apart by the company they keep."""
    bare = pl.all_horizontal([pl.col(c).is_null() for c in BESIDES_NAME])
    df = df.with_columns(pl.when(bare).then(pl.col("record")).otherwise(pl.lit(None, pl.String)).alias("_own"))
    keys = ["entity_kind", "_dataset", "_own", *MATCH_COLUMNS]
    return df.with_columns(pl.col("id").min().over(keys, mapping_strategy="group_to_rows").alias("rep")).drop("_own")


def _finite(model: Any) -> bool:
    if isinstance(model, float):
        return math.isfinite(model)
    if isinstance(model, dict):
        return all(_finite(v) for v in model.values())
    if isinstance(model, list):
        return all(_finite(v) for v in model)
    return True


def _train(inputs: Any, linker: Linker, kind: str, settings: LinkSettings) -> tuple[Linker, dict[str, float]]:
    """Unsupervised training: the prior from sure rules, u from random pairs, m by EM on rotated rules.

    A step that fails or leaves a parameter undefined (a small file where every pair under a rule is a
    match) is undone: the fields keep their estimates from the steps before."""
    timings: dict[str, float] = {"steps_undone": 0}

    def step(current: Linker, run: Callable[[Linker], Any]) -> Linker:
        before = current.misc.save_model_to_json()
        try:
            run(current)
            if _finite(current.misc.save_model_to_json()):
                return current
        except (EMTrainingException, SplinkException, ValueError):
            pass
        timings["steps_undone"] += 1
        return Linker(inputs, before, log_level=None)

    t = time.perf_counter()
    rules: list[Any] = list(DETERMINISTIC_RULES[kind])
    def prior(lk: Linker) -> None:
        lk.training.estimate_probability_two_random_records_match(rules, recall=0.7)

    def u(lk: Linker) -> None:
        lk.training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_training, seed=settings.seed)

    linker = step(linker, prior)
    linker = step(linker, u)
    timings["u"] = time.perf_counter() - t
    t = time.perf_counter()
    for rule in TRAINING_RULES[kind]:
        def em(lk: Linker, rule: str = rule) -> None:
            lk.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=settings.max_pairs_training)

        linker = step(linker, em)
    timings["em"] = time.perf_counter() - t
    return linker, timings


def _tf_tables(linker: Linker, model: dict[str, Any]) -> dict[str, dict[str, float]]:
    columns = sorted({lv["tf_adjustment_column"] for c in model["comparisons"] for lv in c["comparison_levels"]
                      if lv.get("tf_adjustment_column")})
    out: dict[str, dict[str, float]] = {}
    for column in columns:
        table = linker.table_management.compute_tf_table(column).as_pyarrow_table()
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        top = frame.drop_nulls(column).sort([f"tf_{column}", column], descending=[True, False]).head(TF_KEEP)
        out[column] = dict(zip(top[column].to_list(), top[f"tf_{column}"].to_list(), strict=True))
        out[column]["__floor__"] = float(frame[f"tf_{column}"].cast(pl.Float64).min() or 0.0)  # type: ignore[arg-type]
    return out


# Two person records that disagree on a date of birth (by more than one digit) or on a middle initial are
# never the same person: such compared pairs keep their clusters apart, so a bare "Matthew Martinez"
# cannot chain two different Matthew Martinezes into one entity.
_DOB_DIGITS = " + ".join(f"CASE WHEN substr(l.dob_n, {i}, 1) <> substr(r.dob_n, {i}, 1) THEN 1 ELSE 0 END"
                         for i in range(1, 11))
_CONFLICT = f"((l.dob_n <> r.dob_n AND ({_DOB_DIGITS}) > 1) OR l.middle_n <> r.middle_n)"


def _conflicts(linker: Linker, blocked: str, table: str) -> pl.DataFrame:
    sql = (f"SELECT b.join_key_l AS id_l, b.join_key_r AS id_r FROM {blocked} b "
           f"JOIN {table} l ON l.id = b.join_key_l JOIN {table} r ON r.id = b.join_key_r WHERE {_CONFLICT}")
    frame = pl.from_arrow(linker.misc.query_sql(sql).as_pyarrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(pl.col("id_l", "id_r").cast(pl.String))


def _link_kind(kind: str, reps: pl.DataFrame, other_reps: pl.DataFrame | None, settings: LinkSettings,
               saved: dict[str, Any] | None, keep_candidates: bool
               ) -> tuple[pl.DataFrame, dict[str, Any], dict[str, Any], pl.DataFrame | None, pl.DataFrame]:
    """Scored pairs down to the company floor, the model, stats, every compared pair if asked for, and
    the prediction columns of the pairs below the review band (worded only if lifted into it)."""
    stats: dict[str, Any] = {"records": reps.height + (other_reps.height if other_reps is not None else 0)}
    columns = ["id", *MATCH_COLUMNS]
    api = db_api(settings.engine, stats["records"])
    inputs = [api.register(reps.select(columns).to_arrow(), table_name=f"pw_{kind}_l")]
    if other_reps is not None:
        inputs.append(api.register(other_reps.select(columns).to_arrow(), table_name=f"pw_{kind}_r"))
    trainable = stats["records"] >= MIN_TRAINING_RECORDS
    link_type = "link_only" if other_reps is not None else "dedupe_only"
    model_in = ({**saved["splink"], "link_type": link_type} if saved
                else settings_for(kind, link_only=other_reps is not None, term_frequencies=trainable))
    splink_inputs = inputs if len(inputs) > 1 else inputs[0]
    linker = Linker(splink_inputs, model_in, log_level=None)
    if saved is None and trainable:
        linker, stats["timings"] = _train(splink_inputs, linker, kind, settings)
    stats["trained"] = saved is None and trainable
    t = time.perf_counter()
    # Blocked id pairs first (kept in Splink's cache, so predict scores them without blocking again): they
    # give the pair count, and only the pairs at or above the review band are ever materialized with
    # their columns.
    blocked = linker.inference.compute_blocked_pairs_for_predict().physical_name
    count = linker.misc.query_sql(f"SELECT count(*) AS n FROM {blocked}", output_type="pandas")
    stats["scored_pairs"] = int(count["n"].to_numpy()[0])
    stats["conflicts"] = (_conflicts(linker, blocked, inputs[0].physical_name)
                          if kind == "person" and other_reps is None else None)
    stats["blocking_seconds"] = time.perf_counter() - t
    candidates: pl.DataFrame | None = None
    if keep_candidates:
        every = linker.misc.query_sql(
            "SELECT " + ", ".join(f"regexp_replace(CAST(join_key_{s} AS STRING), '^.*-__-', '') AS id_{s}"
                                  for s in ("l", "r")) + f" FROM {blocked}")
        compared = pl.from_arrow(every.as_pyarrow_table())
        every.drop_table_from_database_and_remove_from_cache()
        assert isinstance(compared, pl.DataFrame)
        candidates = compared
    t = time.perf_counter()
    floor = min(settings.review_band[0], settings.company_floor)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    model = linker.misc.save_model_to_json()
    # Below the review band only pairs whose names agree can be joined (by company): only those leave DuckDB.
    agree = [at_levels_sql(model, field, labels) for field, labels in NAMES_AGREE.get(kind, {}).items()]
    keep = f"match_probability >= {settings.review_band[0]!r}"
    if agree and floor < settings.review_band[0]:
        keep += " OR (" + " AND ".join(agree) + ")"
    present = set(linker.misc.query_sql(f"SELECT * FROM {predictions.physical_name} LIMIT 0")
                  .as_pyarrow_table().column_names)
    wanted = ["id_l", "id_r", "match_probability", "match_weight",
              *[c for c in inputs_of(model) if c in present]]  # only what the words and the pairs read
    kept = linker.misc.query_sql(f"SELECT {', '.join(wanted)} FROM {predictions.physical_name} WHERE {keep}")
    predictions.drop_table_from_database_and_remove_from_cache()
    frame = pl.from_arrow(kept.as_pyarrow_table())
    assert isinstance(frame, pl.DataFrame)
    kept.drop_table_from_database_and_remove_from_cache()
    stats["predict_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = frame.with_columns(pl.min_horizontal("id_l", "id_r").alias("id_l"),
                               pl.max_horizontal("id_l", "id_r").alias("id_r"))
    # Pairs below the review band are worded only if the company their parties keep lifts them into it
    # (``_worded``): most never are, and the words of a million pairs cost gigabytes.
    shown = pl.col("match_probability") >= settings.review_band[0]
    above, below = frame.filter(shown), frame.filter(shown.not_())
    del frame
    pairs = pl.concat([_pairs(above, kind, model, explain(above, model)), _pairs(below, kind, model, None)])
    aside = below.select("id_l", "id_r", *[c for c in inputs_of(model) if c in below.columns])
    stats["explain_seconds"] = time.perf_counter() - t
    saved_out = saved or {"version": MODEL_VERSION, "splink": model, "tf": _tf_tables(linker, model),
                          "fingerprint": hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()}
    return pairs, saved_out, stats, candidates, aside


def _pairs(frame: pl.DataFrame, kind: str, model: dict[str, Any], words: pl.Series | None) -> pl.DataFrame:
    return frame.select(
        "id_l", "id_r", pl.lit(kind).alias("kind"), pl.col("match_probability").cast(pl.Float64).alias("probability"),
        pl.col("match_weight").cast(pl.Float64),
        (pl.lit(words) if words is not None else pl.lit(None, pl.String)).alias("explanation"),
        pl.all_horizontal([pl.lit(True), *[at_levels(model, field, labels) for field, labels
                                           in NAMES_AGREE.get(kind, {}).items()]]).alias("names_agree")
        if kind in NAMES_AGREE else pl.lit(False).alias("names_agree"))


def _worded(pairs: pl.DataFrame, evidence: pl.DataFrame, asides: dict[str, pl.DataFrame],
            models: dict[str, dict[str, Any]]) -> pl.DataFrame:
    """``pairs`` with the words of the pairs kept aside below the review band that ``evidence`` names."""
    worded = []
    for kind, aside in asides.items():
        todo = aside.join(evidence.select("id_l", "id_r"), on=["id_l", "id_r"], how="semi")
        if todo.height:
            worded.append(todo.select("id_l", "id_r", explain(todo, models[kind]["splink"]).alias("_words")))
    if not worded:
        return pairs
    return (pairs.join(pl.concat(worded), on=["id_l", "id_r"], how="left")
            .with_columns(pl.coalesce("explanation", "_words").alias("explanation")).drop("_words"))


def _clusters(members: pl.DataFrame, pairs: pl.DataFrame, threshold: float, same: list[tuple[str, str]],
              not_same: list[tuple[str, str]], conflicts: list[tuple[str, str]]) -> pa.Table:
    """Cluster the representatives; every copy follows its representative, unless a judgement names it.

    A judged copy takes part itself, tied to its representative as a sure pair, so a "not same" between
    two identical records still splits them. Copies have larger ids than their representative, so the
    smallest id of each cluster is among the clustered records."""
    judged = {i for pair in (*same, *not_same) for i in pair}
    reps = members.filter((pl.col("id") == pl.col("rep")) | pl.col("id").is_in(list(judged)))
    links = [(a, b, 1.0) for a, b in reps.filter(pl.col("id") != pl.col("rep")).select("rep", "id").iter_rows()]
    links.extend(pairs.select("id_l", "id_r", "probability").filter(pl.col("probability") >= threshold).iter_rows())
    assignment = cluster(reps["id"].to_list(), links, threshold, same, [*not_same, *conflicts])
    known = pl.DataFrame({"id": list(assignment), "cluster_id": list(assignment.values())},
                         schema={"id": pl.String, "cluster_id": pl.String})
    out = (members.join(known, on="id", how="left")
           .join(known.rename({"id": "rep", "cluster_id": "rep_cluster"}), on="rep", how="left")
           .select("id", pl.coalesce("cluster_id", "rep_cluster").alias("cluster_id")))
    return out.to_arrow().cast(CLUSTER_SCHEMA)


def link(records: pa.Table, *, settings: LinkSettings = LinkSettings(), models: dict[str, dict] | None = None,
         same: Iterable[tuple[str, str]] = (), not_same: Iterable[tuple[str, str]] = (),
         other: pa.Table | None = None, keep_candidates: bool = False,
         on_stage: Callable[[str], None] | None = None) -> Linkage:
    """Resolve ``records`` (the record schema, or already featured): scored pairs, clusters and the models.

    ``models`` from an earlier run are reused as they are (no training). ``other`` links the two tables
    to each other only (ids must differ). Judgements ``same``/``not_same`` always beat the model.
    ``on_stage`` hears the name of each stage as it starts (for a progress display)."""
    stage = on_stage or (lambda _s: None)
    logging.getLogger("splink").setLevel(logging.ERROR)
    _check(records, other, settings)
    started = time.perf_counter()
    stats: dict[str, Any] = {"engine": settings.engine, "records": records.num_rows}
    t = time.perf_counter()
    stage("normalizing")
    frames = [_featured(records).with_columns(pl.lit(0).alias("_dataset"))]
    if other is not None:
        frames.append(_featured(other).with_columns(pl.lit(1).alias("_dataset")))
        stats["records"] += other.num_rows
    df = pl.concat(frames, how="vertical_relaxed")
    known = {a for m in (models or {}).values() for a in m.get("common_addresses", [])}
    df, common = _mark_common_addresses(df, settings.address_cap, known)
    df = _representatives(df).select("id", "rep", "record", "entity_kind", "_dataset", *MATCH_COLUMNS)
    del frames
    stats["features_seconds"] = time.perf_counter() - t
    stats["representatives"] = int(df["rep"].n_unique())
    stats["common_addresses"] = len(common)
    out_models: dict[str, dict[str, Any]] = {}
    pair_frames: list[pl.DataFrame] = []
    candidate_frames: list[pl.DataFrame] = []
    asides: dict[str, pl.DataFrame] = {}
    for kind in KINDS:
        reps = df.filter((pl.col("entity_kind") == kind) & (pl.col("id") == pl.col("rep")))
        left, right = reps.filter(pl.col("_dataset") == 0), reps.filter(pl.col("_dataset") == 1)
        if other is not None and (left.is_empty() or right.is_empty()):
            continue
        if other is None and left.height < 2:
            continue
        saved = (models or {}).get(kind)
        stage(f"{'scoring' if saved else 'training and scoring'} {kind} records")
        pairs, model, kind_stats, cands, asides[kind] = _link_kind(
            kind, left, right if other is not None else None, settings, saved, keep_candidates)
        model["common_addresses"] = common
        out_models[kind] = model
        stats[kind] = kind_stats
        pair_frames.append(pairs)
        if cands is not None:
            candidate_frames.append(cands.with_columns(pl.lit(kind).alias("kind")))
    t = time.perf_counter()
    stage("clustering")
    empty = pl.from_arrow(PAIR_SCHEMA.empty_table())
    assert isinstance(empty, pl.DataFrame)
    empty = empty.with_columns(pl.lit(False).alias("names_agree"))
    pairs = pl.concat(pair_frames) if pair_frames else empty
    pairs = pairs.sort(["id_l", "id_r"])
    conflicts: list[tuple[str, str]] = []
    for kind in out_models:
        found = stats[kind].pop("conflicts", None)
        if found is not None:
            conflicts.extend(found.iter_rows())
            stats[kind]["conflicting_pairs"] = found.height
    clusters = _clusters(df.select("id", "rep"), pairs, settings.threshold, list(same), list(not_same), conflicts)
    if df["record"].null_count() < df.height and other is None:
        stage("weighing the company parties keep")
        started_company = time.perf_counter()
        first = pl.from_arrow(clusters)
        assert isinstance(first, pl.DataFrame)
        evidence, stats["company_m"] = company_evidence(df.select("id", "record").join(first, on="id"), pairs,
                                                        settings.company_floor)
        stats["company_pairs"] = evidence.height
        stats["company_seconds"] = time.perf_counter() - started_company
        if evidence.height:
            pairs = with_company(_worded(pairs, evidence, asides, out_models), evidence)
            clusters = _clusters(df.select("id", "rep"), pairs, settings.threshold, list(same), list(not_same),
                                 conflicts)
    del asides
    pairs = pairs.filter(pl.col("probability") >= settings.review_band[0]).drop("names_agree")
    stats["cluster_seconds"] = time.perf_counter() - t
    stats["scored_pairs"] = sum(stats[k]["scored_pairs"] for k in out_models)
    stats["pairs_kept"] = pairs.height
    stats["review_pairs"] = pairs.filter(pl.col("probability") < settings.review_band[1]).height
    stats["clusters"] = len(set(clusters.column("cluster_id").to_pylist()))
    stats["seconds"] = time.perf_counter() - started
    candidates = None
    if keep_candidates:
        joined = pl.concat(candidate_frames) if candidate_frames else pl.DataFrame(
            {"id_l": [], "id_r": [], "kind": []}, schema={"id_l": pl.String, "id_r": pl.String, "kind": pl.String})
        candidates = joined.to_arrow()
    conflict_table = pa.table({"id_l": [a for a, _ in conflicts], "id_r": [b for _, b in conflicts]},
                              schema=pa.schema([("id_l", pa.string()), ("id_r", pa.string())]))
    return Linkage(pairs.to_arrow().cast(PAIR_SCHEMA), clusters, out_models, stats, candidates,
                   df.select("id", "rep").to_arrow(), conflict_table)
