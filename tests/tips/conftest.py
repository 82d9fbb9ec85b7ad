"""A tiny synthetic world for the tips tests (generated once per run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.world.generate import generate_world


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tips-world")
    generate_world(out, seed=3, scale="tiny", fmt="csv")
    return out
