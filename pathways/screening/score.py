"""Scoring one chunk of manifest lines: the same pure function on every engine.

``score_chunk(table, catalog, rules)`` takes an Arrow table in the manifest format and returns
two Arrow tables: the hits (every line with a score above zero, or sampled) in the output format,
and the targets (targeted or sampled lines with all their columns, for the queue). Descriptions
are matched once per distinct text; the recordation facts are checked once per distinct
combination; everything per line is a vectorized Polars expression.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa
from rapidfuzz import fuzz

from pathways.screening.catalog import Catalog, RecFacts, core_name, matcher_for
from pathways.screening.matcher import DISGUISED, EXACT, TYPO
from pathways.screening.rules import Rules

HITS_SCHEMA = pa.schema([
    ("line_id", pa.string()), ("score", pa.float64()), ("targeted", pa.bool_()), ("sampled", pa.bool_()),
    ("recordation_numbers", pa.string()), ("reasons", pa.string()), ("rules", pa.string()),
])
LINE_COLUMNS = (
    "line_id", "entry_number", "arrival_date", "port_code", "mode", "importer_name", "importer_address",
    "importer_country", "shipper_name", "shipper_address", "shipper_country", "consignee_name", "consignee_address",
    "origin_country", "hts_code", "description", "quantity", "unit_value_usd",
)
PARTY_FIELDS = ("importer_name", "importer_address", "shipper_name", "shipper_address", "consignee_name",
                "consignee_address")
SAMPLE_SEED = 20240401

_shipper_cache: dict[tuple[int, str], bool] = {}
# Descriptions repeat from chunk to chunk and day to day: a worker keeps what it matched (per catalog).
_MATCHES: dict[str, Any] = {}


def _shipper_ok(rec: RecFacts, shipper: str) -> bool:
    key = (rec.index, shipper)
    hit = _shipper_cache.get(key)
    if hit is None:
        core = core_name(shipper)
        hit = bool(core) and any(core == m or fuzz.token_set_ratio(core, m) >= 90 for m in rec.makers)
        if len(_shipper_cache) > 1_000_000:
            _shipper_cache.clear()
        _shipper_cache[key] = hit
    return hit


def party_key_expr(col: str) -> pl.Expr:
    """``seizures.service.party_key`` as a Polars expression (non-ASCII text goes through Python)."""
    from pathways.seizures.service import party_key

    c = pl.col(col).fill_null("")
    fast = (c.str.to_uppercase().str.replace_all(r"[.']", "").str.replace_all(r"[^A-Z0-9]+", " ")
            .str.strip_chars())
    slow = c.map_elements(party_key, return_dtype=pl.String)
    return pl.when(c.str.contains(r"[^\x00-\x7F]")).then(slow).otherwise(fast)


def match_key(col: str = "description") -> pl.Expr:
    """The description with free-standing numbers (style numbers, quantities) as "#": they never
    carry a mark, and lines that differ only in them are matched once."""
    return (pl.col(col).fill_null("").str.replace_all(r"(?:^|\s)\d+(?:[.,]\d+)*(?:\s|$)", " # ")
            .str.replace_all(r"(?:^|\s)\d+(?:[.,]\d+)*(?:\s|$)", " # "))


def _match_descriptions(df: pl.DataFrame, catalog: Catalog) -> pl.DataFrame:
    matcher = matcher_for(catalog)
    rows: dict[str, list[Any]] = {k: [] for k in ("description", "rec", "kind", "distance", "shown", "imitation",
                                                  "compat")}
    if _MATCHES.get("") != catalog.digest:
        _MATCHES.clear()
        _MATCHES[""] = catalog.digest
    for desc in df.get_column("description").unique().to_list():
        m = _MATCHES.get(desc)
        if m is None:
            m = matcher.match(desc)
            if len(_MATCHES) > 1_000_000:
                _MATCHES.clear()
                _MATCHES[""] = catalog.digest
            _MATCHES[desc] = m
        for h in m.hits:
            rows["description"].append(desc)
            rows["rec"].append(h.index)
            rows["kind"].append(h.kind)
            rows["distance"].append(h.distance)
            rows["shown"].append(h.shown)
            rows["imitation"].append(", ".join(m.imitation))
            rows["compat"].append(", ".join(m.compatibility))
    return pl.DataFrame(rows, schema={"description": pl.String, "rec": pl.Int64, "kind": pl.String,
                                      "distance": pl.Int64, "shown": pl.String, "imitation": pl.String,
                                      "compat": pl.String})


_FACTS: dict[tuple[str, int, str], Any] = {}


def _fact(kind: str, rec: int, value: str, compute: Any) -> Any:
    key = (kind, rec, value)
    hit = _FACTS.get(key, _FACTS)
    if hit is _FACTS:
        if len(_FACTS) > 2_000_000:
            _FACTS.clear()
        hit = _FACTS[key] = compute()
    return hit


def _facts(lh: pl.DataFrame, catalog: Catalog) -> pl.DataFrame:
    """The recordation's checks, each computed once per distinct (recordation, value) and remembered
    by the worker across chunks: shipper, origin, HTS chapter, and the product's MSRP."""
    recs = catalog.recs
    if _FACTS.get(("", -1, "")) != catalog.digest:
        _FACTS.clear()
        _FACTS[("", -1, "")] = catalog.digest
        _shipper_cache.clear()

    def table(cols: list[str], name: str, dtype: pl.DataType, fn: Any) -> pl.DataFrame:
        keys = lh.select(cols).unique()
        values = [_fact(name, rec, "\x1f".join(str(v or "") for v in rest), lambda r=rec, x=rest: fn(recs[r], *x))
                  for rec, *rest in keys.iter_rows()]
        return keys.with_columns(pl.Series(name, values, dtype))

    def msrp(r: RecFacts, desc: str | None, hts: str | None) -> float | None:
        p = r.product_for(desc or "", hts or "")
        # a product not identified is valued at the recordation's cheapest, so "far below" stays far below
        return p.msrp if p else min((x.msrp for x in r.products), default=r.msrp)

    out = lh
    for cols, name, dtype, fn in (
        (["rec", "shipper_name"], "shipper_ok", pl.Boolean(), lambda r, v: _shipper_ok(r, v or "")),
        (["rec", "origin_country"], "origin_ok", pl.Boolean(),
         lambda r, v: not r.countries or (v or "") in r.countries),
        (["rec", "hts_code"], "hts_ok", pl.Boolean(), lambda r, v: not r.chapters or (v or "")[:2] in r.chapters),
        (["rec", "description", "hts_code"], "msrp", pl.Float64(), msrp),
    ):
        out = out.join(table(cols, name, dtype, fn), on=cols, how="left")
    return out


def _rec_table(catalog: Catalog) -> pl.DataFrame:
    recs = catalog.recs
    return pl.DataFrame({
        "rec": [r.index for r in recs], "record_number": [r.record_number for r in recs],
        "mark": [r.mark for r in recs], "countries": [", ".join(sorted(r.countries)) for r in recs],
        "classes": [", ".join(str(c) for c in r.classes) for r in recs], "gray": [r.gray_market for r in recs],
    }, schema={"rec": pl.Int64, "record_number": pl.String, "mark": pl.String, "countries": pl.String,
               "classes": pl.String, "gray": pl.Boolean})


def _mark_scores(df: pl.DataFrame, catalog: Catalog, rules: Rules) -> pl.DataFrame:
    """One row per line with a mark hit: its best recordation's score, rules and reasons."""
    dh = _match_descriptions(df, catalog)
    cols = ["line_id", "arrival_date", "description", "shipper_name", "origin_country", "hts_code", "unit_value_usd"]
    lh = df.select(cols).join(dh, on="description", how="inner")
    if lh.height == 0:
        return pl.DataFrame(schema={"line_id": pl.String, "mark_score": pl.Float64, "mark_rules": pl.String,
                                    "mark_reasons": pl.String, "recordation_numbers": pl.String})
    until = pl.DataFrame({"rec": [r.index for r in catalog.recs], "until": [r.in_force_until for r in catalog.recs]},
                         schema={"rec": pl.Int64, "until": pl.Date})
    lh = lh.join(until, on="rec", how="left").filter(
        pl.col("until").is_null() | pl.col("arrival_date").is_null() | (pl.col("arrival_date") <= pl.col("until")))
    lh = _facts(lh, catalog).join(_rec_table(catalog), on="rec", how="left")
    w = rules.w
    ratio = pl.col("unit_value_usd") / pl.col("msrp")
    compat = pl.col("compat") != ""
    imit = pl.col("imitation") != ""
    under = pl.col("msrp").is_not_null() & (pl.col("msrp") > 0) & (ratio < rules.undervalued_ratio)
    gray = pl.col("gray") & pl.col("origin_ok") & pl.col("shipper_ok").not_()
    parts: list[tuple[str, pl.Expr, float, pl.Expr]] = [
        ("mark_exact", pl.col("kind") == EXACT, w("mark_exact"),
         pl.format("mark {} ({}) as recorded", pl.col("mark"), pl.col("record_number"))),
        ("mark_disguised", pl.col("kind") == DISGUISED, w("mark_disguised"),
         pl.format("mark {} ({}) behind look-alike characters, digits or spacing", pl.col("mark"),
                   pl.col("record_number"))),
        ("mark_typo", pl.col("kind") == TYPO, w("mark_typo"),
         pl.format("mark {} ({}) misspelled as {} ({} edit(s))", pl.col("mark"), pl.col("record_number"),
                   pl.col("shown"), pl.col("distance"))),
        ("imitation_phrase", imit, w("imitation_phrase"), pl.format("imitation wording: {}", pl.col("imitation"))),
        ("compatibility_phrase", compat, w("compatibility_phrase"),
         pl.format("compatibility wording ({}): the mark may only name what the goods fit", pl.col("compat"))),
        ("unauthorized_origin", pl.col("origin_ok").not_(), w("unauthorized_origin"),
         pl.format("origin {} is not among the authorized countries of {} ({})", pl.col("origin_country"),
                   pl.col("mark"), pl.col("countries"))),
        ("unauthorized_shipper", pl.col("shipper_ok").not_(), w("unauthorized_shipper"),
         pl.format("shipper {} is not an authorized manufacturer or licensee of {}", pl.col("shipper_name"),
                   pl.col("mark"))),
        ("hts_mismatch", pl.col("hts_ok").not_(), w("hts_mismatch"),
         pl.format("HTS {} does not fit the goods recorded for {} (classes {})", pl.col("hts_code"),
                   pl.col("mark"), pl.col("classes"))),
        ("undervalued", under, w("undervalued"),
         pl.format("declared {} USD a unit, {}% of the {} USD MSRP", pl.col("unit_value_usd").round(2),
                   (ratio * 100).round(0).cast(pl.Int64), pl.col("msrp").round(2))),
        ("gray_market", gray, w("gray_market"),
         pl.format("gray-market (Lever rule) protection of {} applies to goods made abroad", pl.col("mark"))),
    ]
    score = pl.lit(0.0)
    for _, cond, weight, _ in parts:
        score = score + pl.when(cond.fill_null(False)).then(pl.lit(weight)).otherwise(0.0)
    lh = lh.with_columns(
        score.alias("hit_score"),
        pl.concat_list([pl.when(c.fill_null(False)).then(pl.lit(n)) for n, c, _, _ in parts])
        .list.drop_nulls().list.join("|").alias("hit_rules"),
        pl.concat_list([pl.when(c.fill_null(False)).then(pl.format("{} ({})", r,
                        pl.lit(f"{wt:+g}"))) for _, c, wt, r in parts])
        .list.drop_nulls().list.join("\n").alias("hit_reasons"),
    )
    lh = lh.sort(["line_id", "hit_score", "record_number"], descending=[False, True, False])
    return lh.group_by("line_id", maintain_order=True).agg(
        pl.col("hit_score").first().alias("mark_score"),
        pl.col("hit_rules").first().alias("mark_rules"),
        pl.col("hit_reasons").first().alias("mark_reasons"),
        pl.col("record_number").unique(maintain_order=True).str.join(";").alias("recordation_numbers"),
    )


def _history_scores(df: pl.DataFrame, catalog: Catalog, rules: Rules) -> pl.DataFrame | None:
    if not catalog.history:
        return None
    hist = pl.DataFrame({"key": list(catalog.history), "events": [e for e, _ in catalog.history.values()],
                         "summary": [s for _, s in catalog.history.values()]},
                        schema={"key": pl.String, "events": pl.Int64, "summary": pl.String})
    keys = df.select("line_id", *[party_key_expr(c).alias(c) for c in PARTY_FIELDS])
    long = keys.unpivot(index="line_id", on=list(PARTY_FIELDS), variable_name="field", value_name="key")
    found = long.join(hist, on="key", how="inner")
    if found.height == 0:
        return None
    label = pl.col("field").str.replace("_name", "").str.replace("_", " ")
    found = found.unique(["line_id", "key"]).with_columns(
        pl.format("{} {} has {}", label, pl.col("key"), pl.col("summary")).alias("why"))
    per, cap = rules.w("party_history_per_event"), rules.w("party_history_max")
    return found.group_by("line_id").agg(
        pl.col("events").sum().alias("events"), pl.col("why").sort().str.join("; ").alias("why"),
    ).with_columns(
        pl.min_horizontal(pl.col("events") * per, pl.lit(cap)).cast(pl.Float64).alias("history_score"),
    ).with_columns(
        pl.format("party history: {} ({})", pl.col("why"),
                  pl.col("history_score").map_elements(lambda v: f"{v:+g}", return_dtype=pl.String))
        .alias("history_reason"),
    ).select("line_id", "history_score", "history_reason")


def score_chunk(table: pa.Table, catalog: Catalog, rules: Rules) -> tuple[pa.Table, pa.Table]:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    keyed = df.select("line_id", "arrival_date", match_key().alias("description"), "shipper_name",
                      "origin_country", "hts_code", "unit_value_usd")
    marks = _mark_scores(keyed, catalog, rules)
    out = df.select("line_id").join(marks, on="line_id", how="left")
    hist = _history_scores(df, catalog, rules)
    if hist is not None:
        out = out.join(hist, on="line_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("history_score"),
                               pl.lit(None, pl.String).alias("history_reason"))
    raw = pl.col("mark_score").fill_null(0.0) + pl.col("history_score").fill_null(0.0)
    u = (pl.col("line_id").hash(seed=SAMPLE_SEED) % 1_000_003).cast(pl.Float64) / 1_000_003.0
    out = out.with_columns(raw.clip(0.0, 100.0).round(1).alias("score"))
    out = out.with_columns((pl.col("score") >= rules.threshold).alias("targeted"))
    out = out.with_columns((pl.col("targeted").not_() & (u < rules.sample_rate)).alias("sampled"))
    reasons = pl.concat_list([
        pl.col("mark_reasons"), pl.col("history_reason"),
        pl.when(pl.col("sampled")).then(pl.lit(f"compliance sample ({rules.sample_rate:.1%} of unflagged lines)")),
    ]).list.drop_nulls().list.join("\n")
    rule_tokens = pl.concat_list([
        pl.col("mark_rules"), pl.when(pl.col("history_score") > 0).then(pl.lit("party_history")),
        pl.when(pl.col("sampled")).then(pl.lit("sample")),
    ]).list.drop_nulls().list.join("|")
    out = out.filter((pl.col("score") > 0) | pl.col("sampled")).with_columns(
        reasons.alias("reasons"),
        pl.when(rule_tokens != "").then(pl.format("|{}|", rule_tokens)).otherwise(pl.lit("")).alias("rules"),
        pl.col("recordation_numbers").fill_null(""),
    )
    hits = out.select([f.name for f in HITS_SCHEMA]).sort("line_id")
    targets = df.join(hits.filter(pl.col("targeted") | pl.col("sampled")), on="line_id", how="inner")
    return hits.to_arrow().cast(HITS_SCHEMA), targets.to_arrow()
