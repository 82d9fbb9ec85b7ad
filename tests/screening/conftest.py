"""A screening database of its own (module scope): a tiny world's recordations and products loaded,
so the shared test database is not filled with a world's marks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from pathways.core.policy import Role, Viewer, system_viewer
from pathways.identity import service as identity
from pathways.registry.importer import import_recordations
from pathways.screening.catalog import load_products
from pathways.store import migrate
from pathways.store.session import unit_of_work
from pathways.world.generate import generate_world
from tests.conftest import PASSWORD, _create_database, _use_database, unique


@dataclass
class ScreeningWorld:
    dir: Path
    lines: Path  # every manifest line of the world in one Parquet file
    viewer: Viewer  # the CLI operator

    def officer(self, *roles: Role) -> Viewer:
        with unit_of_work(self.viewer) as session:
            user = identity.create_user(session, self.viewer, username=unique("officer"), password=PASSWORD,
                                        roles=frozenset(roles or (Role.BORDER_OFFICER,)))
            return identity.viewer_for(session, user, "test")


@pytest.fixture(scope="session")
def world_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("sworld") / "w"
    generate_world(out, seed=5, scale="tiny")
    lines = out / "all-lines.parquet"
    pl.concat([pl.read_parquet(p) for p in sorted((out / "manifests").glob("*.parquet"))]).write_parquet(lines)
    return out, lines


@pytest.fixture(scope="module")
def sworld(world_files: tuple[Path, Path], database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ScreeningWorld]:
    tmp = tmp_path_factory.mktemp("sdb")
    url, drop = _create_database(tmp)
    shared_var = Path(os.environ["PATHWAYS_VAR_DIR"])
    _use_database(url, tmp / "var")
    migrate.upgrade()
    with unit_of_work(system_viewer("test")) as session:
        viewer = system_viewer("test", identity.agency(session).id)
    world, lines = world_files
    with unit_of_work(viewer) as session:
        import_recordations(session, viewer, world / "recordations.csv")
    with unit_of_work(viewer) as session:
        load_products(session, world / "products.csv")
    yield ScreeningWorld(world, lines, viewer)
    drop()
    _use_database(database_url, shared_var)


@pytest.fixture()
def officer(sworld: ScreeningWorld) -> Callable[..., Viewer]:
    return sworld.officer
