"""The embedded and the Spark engines produce identical output on the same input."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pathways.screening.catalog import load_catalog
from pathways.screening.rules import load_rules
from pathways.screening.service import score_parts
from pathways.store.session import unit_of_work
from tests.screening.conftest import ScreeningWorld


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_and_embedded_agree(sworld: ScreeningWorld, tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("engines")
    lines = pl.read_parquet(sworld.lines).head(3000)
    parts = []
    for i in range(2):  # two parts, so the embedded engine uses its process pool
        path = tmp / f"part-{i:05d}.parquet"
        lines.slice(i * 1500, 1500).write_parquet(path)
        parts.append(path)
    with unit_of_work(sworld.viewer, readonly=True) as session:
        catalog = load_catalog(session)
    rules = load_rules(sample_rate=0.05)
    embedded, e_targets = score_parts(parts, catalog, rules, "embedded")
    spark, s_targets = score_parts(parts, catalog, rules, "spark")
    assert embedded.num_rows > 50 and embedded.column("targeted").to_pylist().count(True) > 10
    assert spark.equals(embedded)
    key = ["line_id"]
    e = pl.from_arrow(e_targets).sort(key)
    s = pl.from_arrow(s_targets).sort(key).select(e.columns)  # type: ignore[union-attr]
    assert s.equals(e)  # type: ignore[arg-type]
