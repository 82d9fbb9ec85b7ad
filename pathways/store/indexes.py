"""Secondary indexes built after a bulk load instead of row by row.

Filling an empty table and then creating its indexes sorts each index once; maintaining them while
millions of rows arrive costs a B-tree descent per row and index, at random pages once an index
outgrows the cache. A load that drops indexes commits chunk by chunk, so an interruption can leave
a table without them: ``restore`` creates every index of the metadata that the database lacks, and
runs at the start of every such load and after every ``pathways db upgrade``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Index, Table, inspect, select

from pathways.store.models import load_all_models


def restore(conn: Connection, tables: Iterable[str] | None = None) -> list[str]:
    """Create the metadata's indexes missing from the database (of ``tables``, else of every table
    there); returns their names."""
    metadata = load_all_models()
    insp = inspect(conn)
    present = set(insp.get_table_names())
    made = []
    for name in (tables if tables is not None else metadata.tables):
        table = metadata.tables[name]
        if name not in present:
            continue
        have = {ix["name"] for ix in insp.get_indexes(name)}
        for ix in sorted(table.indexes, key=lambda i: str(i.name)):
            if ix.name not in have:
                ix.create(conn)
                made.append(str(ix.name))
    return made


def defer(conn: Connection, tables: Iterable[str], keep: frozenset[str] = frozenset()) -> list[Index]:
    """Drop the secondary indexes of those ``tables`` that are empty, except the ones named in
    ``keep`` (a load that reads by them); returns what was dropped, for ``build``."""
    metadata = load_all_models()
    dropped: list[Index] = []
    for name in tables:
        table: Table = metadata.tables[name]
        if conn.execute(select(*table.primary_key.columns).limit(1)).first() is not None:
            continue
        for ix in sorted(table.indexes, key=lambda i: str(i.name)):
            if ix.name not in keep:
                ix.drop(conn, checkfirst=True)
                dropped.append(ix)
    return dropped


def build(conn: Connection, indexes: Iterable[Index]) -> None:
    for ix in indexes:
        ix.create(conn, checkfirst=True)


def analyze(conn: Connection, tables: Iterable[str]) -> None:
    """Fresh planner statistics for tables a load just filled, as PostgreSQL's guide to populating a
    database says: without them (autovacuum may be off, or not yet round) a look-up of a few dozen ids
    is planned as a scan of the whole table. SQLite's planner without statistics already takes an index
    to be selective, and a full ``ANALYZE`` of a large file reads every index: not run there."""
    if conn.dialect.name == "postgresql":
        for name in tables:
            conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(name)}")
