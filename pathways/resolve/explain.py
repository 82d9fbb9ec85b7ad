"""A match in words: each compared field's level and its match weight, from Splink's prediction columns.

``same date of birth +6.1; name Jaro-Winkler 0.93 +4.2; different city −1.5``. The weight of a field is
log2 of its Bayes factor plus its term-frequency adjustment, so the weights add up to the pair's match
weight less the prior's. Fields missing on either side carry no weight and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

_JW_LABEL = re.compile(r"^(?P<what>.*) Jaro-Winkler ≥ [\d.]+$")
_JW_COLUMN = re.compile(r"\(\s*[\"`]?(?P<col>\w+?)_l[\"`]?\s*,")
MIN_WEIGHT = 0.05  # a field whose weight rounds to nothing is not worth a word


@dataclass(frozen=True)
class Level:
    gamma: int
    label: str
    similarity_of: str | None  # the column whose Jaro-Winkler similarity the words quote


@dataclass(frozen=True)
class Field:
    name: str
    levels: tuple[Level, ...]
    has_tf: bool


def fields_of(model: dict[str, Any]) -> list[Field]:
    """The compared fields of a trained Splink settings dict, with each level's gamma and words."""
    out: list[Field] = []
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        gamma = sum(1 for lv in levels if not lv.get("is_null_level")) - 1
        parsed: list[Level] = []
        for lv in levels:
            if lv.get("is_null_level"):
                continue
            label = lv.get("label_for_charts") or lv["sql_condition"]
            column = None
            if _JW_LABEL.match(label) and (m := _JW_COLUMN.search(lv["sql_condition"])):
                column = m["col"]
            parsed.append(Level(gamma, label, column))
            gamma -= 1
        has_tf = any(lv.get("tf_adjustment_column") for lv in levels)
        out.append(Field(comparison["output_column_name"], tuple(parsed), has_tf))
    return out


def at_levels(model: dict[str, Any], field: str, labels: frozenset[str]) -> pl.Expr:
    """True where the pair's level of ``field`` is one of ``labels`` (false where a side is missing)."""
    gammas = [lv.gamma for f in fields_of(model) if f.name == field for lv in f.levels if lv.label in labels]
    return pl.col(f"gamma_{field}").is_in(gammas) if gammas else pl.lit(False)


def at_levels_sql(model: dict[str, Any], field: str, labels: frozenset[str]) -> str:
    """``at_levels`` as a SQL condition on Splink's prediction table."""
    gammas = [lv.gamma for f in fields_of(model) if f.name == field for lv in f.levels if lv.label in labels]
    return f"gamma_{field} IN ({', '.join(str(g) for g in gammas)})" if gammas else "FALSE"


def _signed(weight: pl.Expr) -> pl.Expr:
    sign = pl.when(weight >= 0).then(pl.lit("+")).otherwise(pl.lit("−"))
    return pl.concat_str([sign, weight.abs().round(1).cast(pl.String)])


def _words(df: pl.DataFrame, f: Field) -> pl.Expr:
    gamma = pl.col(f"gamma_{f.name}")
    words: pl.Expr = pl.lit(None, dtype=pl.String)
    for level in reversed(f.levels):
        label: pl.Expr = pl.lit(level.label)
        if level.similarity_of and f"_jw_{f.name}" in df.columns:
            what = _JW_LABEL.match(level.label)
            assert what is not None
            label = pl.concat_str([pl.lit(f"{what['what']} Jaro-Winkler "),
                                   pl.col(f"_jw_{f.name}").round(2).cast(pl.String)])
        words = pl.when(gamma == level.gamma).then(label).otherwise(words)
    return words


SLICE_ROWS = 100_000  # rows worded at a time: the words of every level of every field are whole columns


def inputs_of(model: dict[str, Any]) -> list[str]:
    """The prediction columns ``explain`` reads (to keep pairs aside, to be worded later)."""
    out: list[str] = []
    for f in fields_of(model):
        out += [f"gamma_{f.name}", f"mw_{f.name}"] + ([f"mw_tf_adj_{f.name}"] if f.has_tf else [])
        out += [f"{c}_{side}" for c in sorted({lv.similarity_of for lv in f.levels if lv.similarity_of})
                for side in ("l", "r")]
    return out


def explain(predictions: pl.DataFrame, model: dict[str, Any]) -> pl.Series:
    """One explanation per row of Splink's prediction output (with intermediate columns retained)."""
    if predictions.height > SLICE_ROWS:
        return pl.concat([_explain(predictions.slice(start, SLICE_ROWS), model)
                          for start in range(0, predictions.height, SLICE_ROWS)])
    return _explain(predictions, model)


def _explain(predictions: pl.DataFrame, model: dict[str, Any]) -> pl.Series:
    parts: list[pl.Expr] = []
    df = predictions
    for f in fields_of(model):
        jw_columns = {lv.similarity_of for lv in f.levels if lv.similarity_of}
        if len(jw_columns) == 1:
            column = jw_columns.pop()
            if f"{column}_l" in df.columns:
                left = df[f"{column}_l"].fill_null("").to_list()
                right = df[f"{column}_r"].fill_null("").to_list()
                sims: Any = cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1) if left else []
                df = df.with_columns(pl.Series(f"_jw_{f.name}", sims, dtype=pl.Float64))
        weight = pl.col(f"mw_{f.name}")
        if f.has_tf and f"mw_tf_adj_{f.name}" in df.columns:
            weight = weight + pl.col(f"mw_tf_adj_{f.name}").fill_null(0.0)
        part = pl.when((pl.col(f"gamma_{f.name}") >= 0) & (weight.abs() >= MIN_WEIGHT)).then(
            pl.concat_str([_words(df, f), pl.lit(" "), _signed(weight)]))
        parts.append(part)
    if not parts:
        return pl.Series("explanation", [""] * df.height, dtype=pl.String)
    return df.select(pl.concat_list(parts).list.drop_nulls().list.join("; ").alias("explanation")).to_series()
