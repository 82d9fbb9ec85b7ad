from pathlib import Path

import pytest

from pathways.world.generate import WorldSummary, generate_world


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    return generate_world(tmp_path_factory.mktemp("world") / "w", seed=11, scale="tiny")


@pytest.fixture(scope="session")
def world_dir(tiny_world: WorldSummary) -> Path:
    return Path(tiny_world.out_dir)
