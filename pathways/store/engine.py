"""Engines and sessions: SQLite by default (WAL, foreign keys), PostgreSQL or any SQLAlchemy URL by setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from pathways.core.settings import get_settings


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves so writers can take the lock up front (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer that reads the audit head and then appends must hold the write lock from the
        # start, or a concurrent writer would make it fail with a stale snapshot.
        if conn.get_execution_options().get("sqlite_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _prepare_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_ENGINES: dict[str, Engine] = {}
_FACTORIES: dict[tuple[str, bool], sessionmaker[Session]] = {}


def get_engine() -> Engine:
    url = get_settings().effective_database_url
    if url not in _ENGINES:
        _ENGINES[url] = build_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
    _FACTORIES.clear()


def session_factory(readonly: bool = False) -> sessionmaker[Session]:
    url = get_settings().effective_database_url
    found = _FACTORIES.get((url, readonly))
    if found is None:
        engine = get_engine()
        bind = engine.execution_options(sqlite_readonly=True) if readonly else engine
        found = _FACTORIES[(url, readonly)] = sessionmaker(bind=bind, expire_on_commit=False)
    return found


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
