"""Fixtures ``world`` and ``linked``: a tiny world's party records with their truth, and their linkage."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pytest

from pathways.resolve.linkage import Linkage, link
from pathways.resolve.world_records import world_records
from pathways.world.generate import generate_world


@pytest.fixture(scope="session", name="world")
def _world(tmp_path_factory: pytest.TempPathFactory) -> tuple[pa.Table, pl.DataFrame]:
    out = tmp_path_factory.mktemp("w") / "world"
    generate_world(out, seed=3, scale="tiny")
    return world_records(out, 12_000)


@pytest.fixture(scope="session", name="linked")
def _linked(world: tuple[pa.Table, pl.DataFrame]) -> Linkage:
    return link(world[0])
