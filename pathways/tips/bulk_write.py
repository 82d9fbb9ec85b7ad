"""Many rows at once, straight through the driver: SQLite's ``executemany`` and PostgreSQL's ``COPY``.

Rows are plain tuples in the order of the columns named; timestamps come ready for the database
(``time``): text the way SQLAlchemy stores it on SQLite, aware datetimes on PostgreSQL. Used inside
the session's transaction, so a chunk's rows commit or roll back with its audit event.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pathways.tips.staging import sqlite_time

BULK_CACHE_KIB = 512 * 1024


class RowSink:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def bulk_mode(self) -> None:
        """On SQLite, a page cache big enough for the index pages a load touches at random (the dedup
        keys and the mentions' values): the default 2 MB makes every insert a read."""
        if self.sqlite:
            conn = self.session.connection()
            conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            # the indexes built after a load (ADR 0021) sort on every core, while the workers are idle
            conn.exec_driver_sql(f"PRAGMA threads = {os.cpu_count() or 1}")

    def time(self, t: datetime) -> Any:
        return sqlite_time(t) if self.sqlite else t

    def write(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        raw: Any = self.session.connection().connection.driver_connection
        names = ", ".join(columns)
        if self.sqlite:
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
            return
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
