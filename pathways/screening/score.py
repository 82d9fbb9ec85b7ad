"""Scoring one chunk of manifest lines: the same pure function on every engine.

``score_chunk(table, catalog, rules)`` takes an Arrow table in the manifest format and returns
two Arrow tables: the hits (every line with a score above zero, or sampled) in the output format,
and the targets (targeted or sampled lines with all their columns, for the queue). Descriptions
are matched once per distinct text; the recordation facts are checked once per distinct
combination; everything per line is a vectorized Polars expression.
"""

from __future__ import annotations

import functools
from typing import Any

import polars as pl
import pyarrow as pa
from rapidfuzz import fuzz

from pathways.screening.catalog import Catalog, MarkSet, RecFacts, core_name, matcher_for
from pathways.screening.matcher import DISGUISED, EXACT, TYPO
from pathways.screening.memo import Memo
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

def _shipper_ok(rec: RecFacts, shipper: str) -> bool:
    core = core_name(shipper)
    return bool(core) and any(core == m or fuzz.token_set_ratio(core, m) >= 90 for m in rec.makers)


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


def _weighted(reason: str, weight: float) -> str:
    return f"{reason} ({weight:+g})"


# Per process, per catalog and rules: what each description matched (one row per hit, or one row
# with no recordation), and each recordation's facts against a line's values.
_DESCRIPTIONS = Memo(["description"])
_FACTS = {name: Memo(on) for name, on in (("shipper", ["rec", "shipper_name"]), ("origin", ["rec", "origin_country"]),
                                          ("hts", ["rec", "hts_code"]),
                                          ("msrp", ["rec", "description", "hts_code"]))}
_DESCRIPTION_SCHEMA = {"description": pl.String, "rec": pl.Int64, "desc_score": pl.Float64, "desc_rules": pl.String,
                       "desc_reasons": pl.String}


def _match_descriptions(new: pl.DataFrame, marks: MarkSet, rules: Rules) -> pl.DataFrame:
    """Rows for descriptions not seen before: the mark hit and the wording around it, scored and
    explained (the part of a line's score its description alone decides)."""
    matcher = matcher_for(marks)
    w = rules.w
    rows: dict[str, list[Any]] = {k: [] for k in _DESCRIPTION_SCHEMA}
    for desc in new.get_column("description").to_list():
        m = matcher.match(desc)
        if not m.hits:
            rows["description"].append(desc)
            for k in ("rec", "desc_score", "desc_rules", "desc_reasons"):
                rows[k].append(None)
            continue
        imitation, compat = ", ".join(m.imitation), ", ".join(m.compatibility)
        for h in m.hits:
            rec = marks.specs[h.index]
            name = MARK_RULES[h.kind]
            if h.kind == EXACT:
                why = f"mark {rec.mark} ({rec.record_number}) as recorded"
            elif h.kind == DISGUISED:
                why = f"mark {rec.mark} ({rec.record_number}) behind look-alike characters, digits or spacing"
            else:
                why = f"mark {rec.mark} ({rec.record_number}) misspelled as {h.shown} ({h.distance} edit(s))"
            score, names, reasons = 0.0 + w(name), [name], [_weighted(why, w(name))]
            if imitation:
                score += w("imitation_phrase")
                names.append("imitation_phrase")
                reasons.append(_weighted(f"imitation wording: {imitation}", w("imitation_phrase")))
            if compat:
                score += w("compatibility_phrase")
                names.append("compatibility_phrase")
                reasons.append(_weighted(f"compatibility wording ({compat}): the mark may only name what the goods "
                                         "fit", w("compatibility_phrase")))
            for k, v in (("description", desc), ("rec", h.index), ("desc_score", score),
                         ("desc_rules", "|".join(names)), ("desc_reasons", "\n".join(reasons))):
                rows[k].append(v)
    return pl.DataFrame(rows, schema=_DESCRIPTION_SCHEMA)


MARK_RULES = {EXACT: "mark_exact", DISGUISED: "mark_disguised", TYPO: "mark_typo"}


def _fact_rows(name: str, keys: pl.DataFrame, *, catalog: Catalog) -> pl.DataFrame:
    """A recordation's check against new (recordation, value) keys: whether it holds and, if not, why."""
    recs = catalog.recs
    ok: list[bool] = []
    why: list[str | None] = []
    if name == "msrp":
        prices = []
        for rec, desc, hts in keys.iter_rows():
            r = recs[rec]
            p = r.product_for(desc or "", hts or "")
            # a product not identified is valued at the recordation's cheapest, so "far below" stays far below
            prices.append(p.msrp if p else min((x.msrp for x in r.products), default=r.msrp))
        return keys.with_columns(pl.Series("msrp", prices, pl.Float64))
    for rec, value in keys.iter_rows():
        r, v = recs[rec], value or ""
        if name == "shipper":
            good = _shipper_ok(r, v)
            text = f"shipper {v} is not an authorized manufacturer or licensee of {r.mark}"
        elif name == "origin":
            good = not r.countries or v in r.countries
            text = f"origin {v} is not among the authorized countries of {r.mark} ({', '.join(sorted(r.countries))})"
        else:
            good = not r.chapters or v[:2] in r.chapters
            text = (f"HTS {v} does not fit the goods recorded for {r.mark} "
                    f"(classes {', '.join(str(c) for c in r.classes)})")
        ok.append(good)
        why.append(None if good else text)
    return keys.with_columns(pl.Series(f"{name}_ok", ok, pl.Boolean), pl.Series(f"{name}_why", why, pl.String))


_REC_TABLES: dict[str, pl.DataFrame] = {}


def _rec_table(catalog: Catalog) -> pl.DataFrame:
    table = _REC_TABLES.get(catalog.digest)
    if table is None:
        _REC_TABLES.clear()
        recs = catalog.recs
        table = _REC_TABLES[catalog.digest] = pl.DataFrame({
            "rec": [r.index for r in recs], "record_number": [r.record_number for r in recs],
            "until": [r.in_force_until for r in recs], "gray": [r.gray_market for r in recs],
            "gray_why": [f"gray-market (Lever rule) protection of {r.mark} applies to goods made abroad" for r in recs],
        }, schema={"rec": pl.Int64, "record_number": pl.String, "until": pl.Date, "gray": pl.Boolean,
                   "gray_why": pl.String})
    return table


_NO_MARKS = {"line_id": pl.String, "mark_score": pl.Float64, "mark_rules": pl.String, "mark_reasons": pl.String,
             "recordation_numbers": pl.String}


def _owner(catalog: Catalog, rules: Rules) -> str:
    return f"{catalog.digest}:{sorted(rules.weights.items())}"


def describe(keys: list[str], marks: MarkSet, rules: Rules) -> pl.DataFrame:
    """What these descriptions (as ``match_key`` makes them) match, as ``remember`` takes it: the marks
    alone decide it, so it needs no more of the catalog."""
    return _match_descriptions(pl.DataFrame({"description": keys}, schema={"description": pl.String}), marks, rules)


def remember(described: pl.DataFrame, catalog: Catalog, rules: Rules) -> None:
    """Descriptions matched elsewhere (another process, ahead of the chunks): not matched again here."""
    _DESCRIPTIONS.reset(_owner(catalog, rules))
    _DESCRIPTIONS.add(described)


def _mark_scores(df: pl.DataFrame, catalog: Catalog, rules: Rules) -> pl.DataFrame:
    """One row per line with a mark hit: its best recordation's score, rules and reasons."""
    owner = _owner(catalog, rules)
    _DESCRIPTIONS.reset(owner)
    known = _DESCRIPTIONS.lookup(df, lambda new: _match_descriptions(new, catalog.marks, rules))
    lh = df.join(known.filter(pl.col("rec").is_not_null()), on="description", how="inner")
    if lh.height == 0:
        return pl.DataFrame(schema=_NO_MARKS)
    lh = lh.join(_rec_table(catalog), on="rec", how="left").filter(
        pl.col("until").is_null() | pl.col("arrival_date").is_null() | (pl.col("arrival_date") <= pl.col("until")))
    for name, memo in _FACTS.items():
        memo.reset(owner)
        lh = lh.join(memo.lookup(lh, functools.partial(_fact_rows, name, catalog=catalog)), on=memo.on, how="left")
    w = rules.w
    ratio = pl.col("unit_value_usd") / pl.col("msrp")
    under = (pl.col("msrp").is_not_null() & (pl.col("msrp") > 0) & (ratio < rules.undervalued_ratio)).fill_null(False)
    gray = pl.col("gray") & pl.col("origin_ok") & pl.col("shipper_ok").not_()
    checks: list[tuple[str, pl.Expr, pl.Expr]] = [
        ("unauthorized_origin", pl.col("origin_ok").not_(), pl.col("origin_why")),
        ("unauthorized_shipper", pl.col("shipper_ok").not_(), pl.col("shipper_why")),
        ("hts_mismatch", pl.col("hts_ok").not_(), pl.col("hts_why")),
        ("undervalued", under, pl.format("declared {} USD a unit, {}% of the {} USD MSRP",
                                         pl.col("unit_value_usd").round(2), (ratio * 100).round(0).cast(pl.Int64),
                                         pl.col("msrp").round(2))),
        ("gray_market", gray, pl.col("gray_why")),
    ]
    score = pl.col("desc_score")
    for name, cond, _ in checks:
        score = score + pl.when(cond).then(pl.lit(w(name))).otherwise(0.0)
    lh = lh.select(
        "line_id", "record_number", score.alias("hit_score"),
        pl.concat_str([pl.col("desc_rules"), *[pl.when(c).then(pl.lit(n)) for n, c, _ in checks]],
                      separator="|", ignore_nulls=True).alias("hit_rules"),
        pl.concat_str([pl.col("desc_reasons"), *[pl.when(c).then(pl.concat_str([r, pl.lit(f" ({w(n):+g})")]))
                                                 for n, c, r in checks]],
                      separator="\n", ignore_nulls=True).alias("hit_reasons"),
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
    # only lines with a mark hit, a party history or a chance of the compliance sample can be hits
    out = _mark_scores(keyed, catalog, rules)
    hist = _history_scores(df, catalog, rules)
    if hist is not None:
        out = out.join(hist, on="line_id", how="full", coalesce=True)
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("history_score"),
                               pl.lit(None, pl.String).alias("history_reason"))
    u = (pl.col("line_id").hash(seed=SAMPLE_SEED) % 1_000_003).cast(pl.Float64) / 1_000_003.0
    drawn = df.select("line_id").filter(u < rules.sample_rate).join(out.select("line_id"), on="line_id", how="anti")
    out = pl.concat([out, drawn], how="diagonal")
    raw = pl.col("mark_score").fill_null(0.0) + pl.col("history_score").fill_null(0.0)
    out = out.with_columns(raw.clip(0.0, 100.0).round(1).alias("score"))
    out = out.with_columns((pl.col("score") >= rules.threshold).alias("targeted"))
    out = out.with_columns((pl.col("targeted").not_() & (u < rules.sample_rate)).alias("sampled"))
    reasons = pl.concat_str([
        pl.col("mark_reasons"), pl.col("history_reason"),
        pl.when(pl.col("sampled")).then(pl.lit(f"compliance sample ({rules.sample_rate:.1%} of unflagged lines)")),
    ], separator="\n", ignore_nulls=True)
    rule_tokens = pl.concat_str([
        pl.col("mark_rules"), pl.when(pl.col("history_score") > 0).then(pl.lit("party_history")),
        pl.when(pl.col("sampled")).then(pl.lit("sample")),
    ], separator="|", ignore_nulls=True)
    out = out.filter((pl.col("score") > 0) | pl.col("sampled")).with_columns(
        reasons.alias("reasons"),
        pl.when(rule_tokens != "").then(pl.format("|{}|", rule_tokens)).otherwise(pl.lit("")).alias("rules"),
        pl.col("recordation_numbers").fill_null(""),
    )
    hits = out.select([f.name for f in HITS_SCHEMA]).sort("line_id")
    queued = hits.filter(pl.col("targeted") | pl.col("sampled"))
    targets = df.filter(pl.col("line_id").is_in(queued.get_column("line_id").implode())).join(
        queued, on="line_id", how="inner")
    return hits.to_arrow().cast(HITS_SCHEMA), targets.to_arrow()
