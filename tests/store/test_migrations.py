"""Migrations: one head, up and down cleanly, and the models match the migrated schema exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pathways.store import migrate
from pathways.store.engine import get_engine
from pathways.store.models import load_all_models


def test_there_is_one_head() -> None:
    assert len(migrate.head_revisions()) == 1


def test_upgrade_downgrade_upgrade(fresh_database: str) -> None:
    assert migrate.current_revision() == migrate.head_revisions()[0]
    migrate.downgrade("base")
    assert set(inspect(get_engine()).get_table_names()) <= {"alembic_version"}
    migrate.upgrade()
    assert {"users", "audit_events", "offices"} <= set(inspect(get_engine()).get_table_names())


def test_models_match_the_migrations(database_url: str) -> None:
    metadata = load_all_models()
    with get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"
