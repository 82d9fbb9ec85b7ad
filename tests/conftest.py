"""Test databases: SQLite by default, PostgreSQL when PATHWAYS_TEST_DATABASE=postgresql.

``make test`` runs the suite once against each. Every test database is created from the Alembic
migrations, exactly as ``pathways db upgrade`` would.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from pathways.core.policy import OrgKind, Role, Viewer, system_viewer
from pathways.core.settings import reset_settings
from pathways.identity import service as identity
from pathways.store import migrate
from pathways.store.engine import dispose_engines
from pathways.store.session import unit_of_work

PG_ADMIN_URL = os.environ.get("PATHWAYS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKEND = os.environ.get("PATHWAYS_TEST_DATABASE", "sqlite")
PASSWORD = "correct horse battery staple"


def pytest_report_header() -> str:
    return f"pathways test database: {BACKEND}"


def _create_database(tmp: Path) -> tuple[str, Callable[[], None]]:
    if BACKEND == "postgresql":
        name = f"pathways_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            dispose_engines()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop
    path = tmp / f"pathways-{uuid.uuid4().hex[:8]}.db"
    return f"sqlite:///{path}", dispose_engines


def _use_database(url: str, var_dir: Path) -> None:
    os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = str(var_dir)
    os.environ["PATHWAYS_SECRET_KEY"] = "test-secret-" + secrets.token_hex(8)
    reset_settings()
    dispose_engines()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database shared by the tests of a run (tests make their own unique names)."""
    tmp = tmp_path_factory.mktemp("db")
    url, drop = _create_database(tmp)
    _use_database(url, tmp / "var")
    migrate.upgrade()
    yield url
    drop()


@pytest.fixture()
def fresh_database(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A database of its own, for tests that break things on purpose; the shared one is restored after."""
    url, drop = _create_database(tmp_path)
    _use_database(url, tmp_path / "var")
    migrate.upgrade()
    yield url
    drop()
    _use_database(database_url, Path(os.environ["PATHWAYS_VAR_DIR"]))


@pytest.fixture()
def cli_viewer(database_url: str) -> Viewer:
    with unit_of_work(system_viewer("test")) as session:
        return system_viewer("test", identity.agency(session).id)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def make_user(cli_viewer: Viewer) -> Callable[..., tuple[str, Viewer]]:
    """Create an account with the given roles; returns (username, its viewer)."""

    def make(*roles: Role, org_name: str | None = None, org_kind: OrgKind = OrgKind.AGENCY,
             compartments: frozenset[str] = frozenset()) -> tuple[str, Viewer]:
        username = unique(roles[0].value if roles else "user")
        with unit_of_work(cli_viewer) as session:
            org = identity.get_or_create_org(session, org_name, org_kind) if org_name else None
            user = identity.create_user(session, cli_viewer, username=username, password=PASSWORD,
                                        roles=frozenset(roles), org=org, compartments=compartments)
            return username, identity.viewer_for(session, user, "test")

    return make


@pytest.fixture()
def session(cli_viewer: Viewer) -> Iterator[Session]:
    with unit_of_work(cli_viewer) as s:
        yield s
