"""A database of its own (module scope) holding a tiny world's parties from manifests, seizures and
tips, resolved once into entities."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pathways import demo
from pathways.core.policy import Viewer
from pathways.identity import service as identity
from pathways.resolve import service
from pathways.resolve.entity_models import ResolutionRun
from pathways.store import migrate
from pathways.store.session import unit_of_work
from pathways.world.generate import generate_world
from tests.conftest import _create_database, _use_database


@dataclass
class ResolvedWorld:
    dir: Path
    viewer: Viewer
    first_run: ResolutionRun

    def truth(self) -> dict[tuple[str, str], str]:
        """(seizure number or tip external id, field) -> true party id, from truth/mentions.csv."""
        with (self.dir / "truth" / "mentions.csv").open() as f:
            return {(r["record_id"], r["field"]): r["party_id"] for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def resolved(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ResolvedWorld]:
    tmp = tmp_path_factory.mktemp("rdb")
    url, drop = _create_database(tmp)
    shared_var = Path(os.environ["PATHWAYS_VAR_DIR"])
    _use_database(url, tmp / "var")
    migrate.upgrade()
    world = tmp / "world"
    generate_world(world, seed=7, scale="tiny")
    viewer = identity.operator_viewer("test")
    with unit_of_work(viewer) as session:
        identity.load_offices(session, viewer)
    for step in (demo._registry_step, demo._screening_step, demo._seizures_step, demo._tips_step):
        step(world)
    with unit_of_work(viewer) as session:
        first = service.run(session, viewer)
    yield ResolvedWorld(world, viewer, first)
    drop()
    _use_database(database_url, shared_var)
