"""Alembic, driven from code: ``pathways db upgrade`` and the test fixtures use the same path."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pathways.core.settings import ROOT, get_settings
from pathways.store import indexes
from pathways.store.engine import build_engine, get_engine

MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().effective_database_url).replace("%", "%%"))
    return cfg


def upgrade(revision: str = "head", url: str | None = None) -> list[str]:
    """Migrate to ``revision``; at the head, also build the indexes a bulk load interrupted before
    its end left out (ADR 0021). Returns their names."""
    command.upgrade(alembic_config(url), revision)
    if revision != "head":
        return []
    engine = build_engine(url or get_settings().effective_database_url)
    try:
        with engine.begin() as conn:
            return indexes.restore(conn)
    finally:
        engine.dispose()


def downgrade(revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision() -> str | None:
    with get_engine().connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
