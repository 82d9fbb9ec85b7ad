"""One new record against the entities it might belong to, with the saved models and no retraining.

The caller fetches candidates by ``candidate_keys`` (an index of the blocking keys of existing records),
then scores them here. Each model's scorer (an in-memory DuckDB Splink linker) is built once per process
and reused; term frequencies come from the model's saved table of frequent values.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa
from splink import DuckDBAPI, Linker

from pathways.core.errors import InvalidInput
from pathways.resolve import blocking
from pathways.resolve.explain import explain
from pathways.resolve.features import FEATURE_COLUMNS, features
from pathways.resolve.records import SCHEMA

_SCORERS: dict[str, tuple[Linker, threading.Lock]] = {}
_SCORERS_LOCK = threading.Lock()


@dataclass(frozen=True)
class ScoredPair:
    id_l: str
    id_r: str
    probability: float
    match_weight: float
    explanation: str


def _featured(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if all(all(c in r for c in FEATURE_COLUMNS) for r in rows):
        return [dict(r) for r in rows]
    table = pa.table({c: [(r.get(c) or None) for r in rows] for c in SCHEMA.names}, schema=SCHEMA)
    return features(table).to_pylist()


def _scorer(model: dict[str, Any], example: dict[str, Any]) -> tuple[Linker, threading.Lock]:
    key = model["fingerprint"]
    with _SCORERS_LOCK:
        if key not in _SCORERS:
            api = DuckDBAPI()
            table = api.register(pa.Table.from_pylist([example]))
            _SCORERS[key] = (Linker(table, model["splink"], log_level=None), threading.Lock())
        return _SCORERS[key]


def _prepare(row: dict[str, Any], model: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    out = {c: row.get(c) for c in columns}
    out["id"] = str(row["id"])
    street = row.get("street_n")
    address_key = f"{street}|{row.get('postcode_n') or ''}" if street else None
    out["address_common"] = 1 if address_key in set(model.get("common_addresses", ())) else 0
    for column, freqs in model.get("tf", {}).items():
        value = row.get(column)
        out[f"tf_{column}"] = freqs.get(value, freqs.get("__floor__")) if value is not None else None
    return out


def candidate_keys(record: dict[str, Any]) -> list[str]:
    """The blocking keys of a record (raw or featured), to look its candidates up in an index."""
    return blocking.candidate_keys(_featured([record])[0])


def score_candidates(models: dict[str, dict[str, Any]], record: dict[str, Any],
                     candidates: list[dict[str, Any]]) -> list[ScoredPair]:
    """Score ``record`` against each candidate of the same kind; best first. ``id_l`` is the record's id."""
    if not candidates:
        return []
    rows = _featured([record, *candidates])
    new, others = rows[0], rows[1:]
    kind = new["entity_kind"]
    if kind not in models:
        raise InvalidInput(f"no trained model for {kind} records")
    model = models[kind]
    same_kind = [c for c in others if c["entity_kind"] == kind]
    if not same_kind:
        return []
    columns = ["id", *[c for c in FEATURE_COLUMNS if c != "entity_kind"]]
    left = _prepare(new, model, columns)
    right = [_prepare(c, model, columns) for c in same_kind]
    linker, lock = _scorer(model, left)
    with lock:
        scored = linker.inference.score_pairs([left], right)
        frame = pl.from_arrow(scored.as_pyarrow_table())
        scored.drop_table_from_database_and_remove_from_cache()
    assert isinstance(frame, pl.DataFrame)
    words = explain(frame, model["splink"]).to_list()
    out = [ScoredPair(str(a), str(b), float(p), float(w), e) for a, b, p, w, e in
           zip(frame["id_l"], frame["id_r"], frame["match_probability"], frame["match_weight"], words, strict=True)]
    return sorted(out, key=lambda s: (-s.probability, s.id_r))
