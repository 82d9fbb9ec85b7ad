"""Large inputs keep Splink's intermediate tables in Parquet files: the same pairs and clusters as in
memory, and no files left behind."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import pytest

from pathways.resolve import engines
from pathways.resolve.linkage import link
from pathways.resolve.records import records_from_rows

from .test_spark_engine import ROWS


def _scratch() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("pathways-splink-*"))


def test_spilled_linkage_matches_the_in_memory_one(monkeypatch: pytest.MonkeyPatch) -> None:
    records = records_from_rows(ROWS)
    in_memory = link(records, keep_candidates=True)
    before = _scratch()
    monkeypatch.setattr(engines, "SPILL_RECORDS", 1)
    spilled = link(records, keep_candidates=True)
    assert spilled.clusters.sort_by("id").equals(in_memory.clusters.sort_by("id"))
    assert spilled.pairs.sort_by([("id_l", "ascending"), ("id_r", "ascending")]).equals(
        in_memory.pairs.sort_by([("id_l", "ascending"), ("id_r", "ascending")]))
    assert spilled.candidates is not None and in_memory.candidates is not None
    assert spilled.candidates.num_rows == in_memory.candidates.num_rows
    gc.collect()
    assert _scratch() <= before
