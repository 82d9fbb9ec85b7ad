"""A run's targeted and sampled lines into the queue, in bulk.

New lines go in with one statement per batch of plain tuples (``COPY`` on PostgreSQL), lines still
awaiting an exam are rescored, and queued lines of the same file that no longer qualify leave the
queue; examined lines keep their outcome. One ``load`` audit event covers the run.
"""

from __future__ import annotations

from typing import Any, cast

import polars as pl
import pyarrow as pa
from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.ids import new_id
from pathways.core.policy import Classification, Markings, Viewer
from pathways.identity import service as identity
from pathways.resolve.mentions import marking_columns
from pathways.screening.models import LineStatus, ScreeningRun, TargetedLine
from pathways.store.audit import record_event

RESCORED = ("score", "targeted", "sampled", "recordation_numbers", "rules", "reasons")
LIMITS = {"importer_name": 300, "shipper_name": 300, "consignee_name": 300, "importer_address": 600,
          "shipper_address": 600, "consignee_address": 600, "description": 1000, "recordation_numbers": 400,
          "rules": 400}
BATCH = 5000


def queue_markings(session: Session, viewer: Viewer) -> Markings:
    return Markings(Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=identity.agency(session).id)


def load_targets(session: Session, viewer: Viewer, run_id: str, targets: pa.Table, *, job_id: str) -> int:
    """Fill the queue from a run's targets (the lines with all their columns, score and reasons) of the
    ingest job's file; returns how many lines are new in it."""
    t = cast(Table, TargetedLine.__table__)
    df = pl.from_arrow(targets) if targets.num_rows else pl.DataFrame({"line_id": []}, schema={"line_id": pl.String})
    assert isinstance(df, pl.DataFrame)
    ids = df.get_column("line_id").to_list()
    existing: dict[str, str] = {}
    for i in range(0, len(ids), BATCH):
        batch = ids[i : i + BATCH]
        existing.update(session.execute(select(t.c.line_id, t.c.status).where(t.c.line_id.in_(batch))).all())
    rescore = df.filter(pl.col("line_id").is_in([k for k, v in existing.items() if v == LineStatus.QUEUED]))
    if rescore.height:  # one executemany, not an UPDATE per line
        stmt = update(t).where(t.c.line_id == bindparam("b_line_id")).values(
            run_id=run_id, **{c: bindparam(f"b_{c}") for c in RESCORED})
        rows = rescore.select([pl.col(c).alias(f"b_{c}") for c in ("line_id", *RESCORED)]).to_dicts()
        for i in range(0, len(rows), BATCH):
            session.connection().execute(stmt, rows[i : i + BATCH])
    fresh = df.filter(pl.col("line_id").is_in(list(existing)).not_())
    common = {**marking_columns(queue_markings(session, viewer)), "run_id": run_id, "created_at": utcnow(),
              "status": LineStatus.QUEUED}
    if fresh.height:
        _insert(session.connection(), t, fresh, common)
    dropped = _drop_stale(session, job_id, run_id, set(ids))
    record_event(session, "load", "targeted_lines", run_id, inserted=fresh.height, rescored=rescore.height,
                 dropped=dropped)
    return fresh.height


def _drop_stale(session: Session, job_id: str, run_id: str, kept: set[str]) -> int:
    """Lines an earlier run of the same file queued that this run no longer targets nor samples
    (new recordations, weights or history): still unexamined, they leave the queue."""
    t = cast(Table, TargetedLine.__table__)
    earlier = select(ScreeningRun.id).where(ScreeningRun.job_id == job_id, ScreeningRun.id != run_id)
    queued = session.execute(select(t.c.id, t.c.line_id).where(t.c.status == LineStatus.QUEUED,
                                                               t.c.run_id.in_(earlier))).all()
    stale = [row_id for row_id, line_id in queued if line_id not in kept]
    for i in range(0, len(stale), BATCH):
        session.connection().execute(delete(t).where(t.c.id.in_(stale[i : i + BATCH])))
    return len(stale)


def _insert(conn: Connection, t: Table, df: pl.DataFrame, common: dict[str, Any]) -> None:
    """New queue rows as plain tuples in the table's column order: what the line says, the run's
    common values, and each column's default for the rest."""
    given = [c.name for c in t.columns if c.name in df.columns]
    data = df.select([pl.col(c).str.slice(0, LIMITS[c]) if c in LIMITS else pl.col(c) for c in given])
    fixed = {c.name: common[c.name] if c.name in common else _default(c.default)
             for c in t.columns if c.name not in given and c.name != "id"}
    columns = ["id", *given, *fixed]
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        tail = tuple(fixed.values())
        raw: Any = conn.connection.dbapi_connection
        with raw.cursor() as cur, cur.copy(f"COPY {t.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in data.iter_rows():
                copy.write_row((new_id(), *row, *tail))
        return
    if conn.dialect.paramstyle != "qmark":  # any other database: Core's executemany
        rows = [dict(zip(columns, (new_id(), *row, *fixed.values()), strict=True)) for row in data.iter_rows()]
        for i in range(0, len(rows), BATCH):
            conn.execute(insert(t), rows[i : i + BATCH])
        return
    # SQLite: the values as the column types would bind them (dates and times as text, booleans as 0/1);
    # a page cache that holds the indexes the rows land in at random (the default 2 MB rereads them)
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    procs = {c.name: c.type._cached_bind_processor(conn.dialect) for c in t.columns}
    values: list[list[Any]] = [[new_id() for _ in range(data.height)]]
    for name in given:
        col, proc = data.get_column(name).to_list(), procs[name]
        values.append([proc(v) for v in col] if proc else col)
    tail = tuple(p(v) if (p := procs[k]) else v for k, v in fixed.items())
    tuples = [(*row, *tail) for row in zip(*values, strict=True)]
    sql = f"INSERT INTO {t.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for i in range(0, len(tuples), BATCH):
        conn.exec_driver_sql(sql, tuples[i : i + BATCH])  # type: ignore[arg-type]


def _default(default: Any) -> Any:
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg
