"""Ingesting a manifest file into the Parquet line store, in chunks that commit one at a time.

A job row per file (by SHA-256) records the last committed chunk, so a killed ingest resumes where
it stopped and the same file twice adds nothing. Each chunk's parties become mentions, and its
shipper → importer → consignee links relations (``resolve.mentions.bulk_load``), in the same
transaction that advances the job. One ``load`` audit event covers the file's lines.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput
from pathways.core.ids import new_id
from pathways.core.imports import file_sha256
from pathways.core.policy import Classification, Markings, Viewer
from pathways.core.settings import get_settings
from pathways.resolve.mentions import bulk_load
from pathways.resolve.models import MentionKind, RelationKind
from pathways.screening.models import IngestJob, JobStatus
from pathways.screening.reader import (
    COLUMNS,
    MANIFEST_SCHEMA,
    check_header,
    file_format,
    read_chunks,
    repeats,
    validate,
)
from pathways.seizures.service import party_key
from pathways.store.audit import record_event
from pathways.store.session import unit_of_work

CHUNK_ROWS = 250_000
Progress = Callable[[float, str], None]


@dataclass
class IngestReport:
    job_id: str
    sha256: str
    rows: int
    loaded: int
    rejected: int
    mentions: int
    already: bool
    resumed_from: int
    rejects_file: Path | None
    store_dir: Path

    @property
    def summary(self) -> str:
        if self.already:
            return f"already ingested (sha256 {self.sha256[:12]}…): nothing added"
        text = f"{self.rows} rows: {self.loaded} loaded, {self.rejected} rejected, {self.mentions} mentions"
        if self.resumed_from:
            text += f" (resumed at chunk {self.resumed_from})"
        return text + (f" (see {self.rejects_file})" if self.rejects_file else "")


def line_markings(viewer: Viewer) -> Markings:
    return Markings(Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=viewer.org_id)


def mention_rows(table: pa.Table) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Mentions (organization and address, per party per line) and ships_to relations of a chunk."""
    df = pl.from_arrow(table.select(["line_id", "importer_name", "importer_address", "shipper_name",
                                     "shipper_address", "consignee_name", "consignee_address"]))
    assert isinstance(df, pl.DataFrame)
    mentions: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    keys: dict[str, str] = {}

    def key(v: str) -> str:
        k = keys.get(v)
        if k is None:
            k = keys[v] = party_key(v)
        return k

    for line_id, imp, imp_a, shp, shp_a, con, con_a in df.iter_rows():
        org: dict[str, str] = {}
        for field, name, addr in (("shipper", shp, shp_a), ("importer", imp, imp_a), ("consignee", con, con_a)):
            if field == "consignee" and name == imp and addr == imp_a:
                org[field] = org.get("importer", "")
                continue
            for kind, value in ((MentionKind.ORGANIZATION, name), (MentionKind.ADDRESS, addr)):
                if value:
                    mid = new_id()
                    mentions.append({"id": mid, "kind": kind.value, "value": value[:500],
                                     "normalized": key(value)[:500], "source": "screening",
                                     "record_type": "manifest_line", "record_id": line_id, "field": field})
                    if kind == MentionKind.ORGANIZATION:
                        org[field] = mid
        for a, b in (("shipper", "importer"), ("importer", "consignee")):
            if org.get(a) and org.get(b) and org[a] != org[b]:
                relations.append({"kind": RelationKind.SHIPS_TO.value, "source_mention_id": org[a],
                                  "target_mention_id": org[b], "record_type": "manifest_line", "record_id": line_id})
    return mentions, relations


class ChunkDone(NamedTuple):
    """A chunk a worker read, validated and wrote to the line store; ``scored`` is what a screening
    engine made of its good rows in the same pass (``None`` when only ingesting)."""

    chunk: int
    loaded: int
    rejected: int
    position: float  # fraction of the file read so far
    scored: Any = None


def read_chunk(path: str, index: int, chunk_rows: int, store: str,
               repeated: dict[int, int] | None = None) -> tuple[ChunkDone, pa.Table]:
    """One chunk of a Parquet file, in a worker: read its rows, validate, write the part and rejects;
    the good rows come back too, so the worker may screen them before they leave its memory."""
    pf = pq.ParquetFile(path)
    start, total = index * chunk_rows, pf.metadata.num_rows
    end = min(start + chunk_rows, total)
    tables, offset = [], 0
    for g in range(pf.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if offset < end and offset + n > start:
            t = pf.read_row_group(g)
            tables.append(t.slice(max(start - offset, 0), min(end, offset + n) - max(start, offset)))
        offset += n
    raw = pl.from_arrow(pa.concat_tables(tables))
    assert isinstance(raw, pl.DataFrame)
    raw = raw.rename({c: c.strip().lower() for c in raw.columns})
    good, rejects = validate(raw, start + 1, repeated=repeated)
    table = good.to_arrow().cast(MANIFEST_SCHEMA)
    _write_part(Path(store), index, table)
    _write_rejects(Path(store), index, rejects)
    return ChunkDone(index, table.num_rows, len(rejects), end / max(total, 1)), table


def prepare_chunk(path: str, index: int, chunk_rows: int, store: str,
                  repeated: dict[int, int] | None = None) -> ChunkDone:
    return read_chunk(path, index, chunk_rows, store, repeated)[0]


# (file, chunk index, rows per chunk, line store, repeated rows of the chunk) -> the chunk done
ChunkTask = Callable[[str, int, int, str, dict[int, int]], ChunkDone]


def store_root() -> Path:
    return get_settings().var_dir / "screening" / "lines"


def job_parts(job: IngestJob) -> list[Path]:
    return sorted(Path(job.store_dir).glob("part-*.parquet"))


def _write_part(store: Path, index: int, table: pa.Table) -> None:
    tmp = store / f".part-{index:05d}.parquet.tmp"
    # fast to write and read (measured: 3x zstd); the store is a working copy, not an archive
    pq.write_table(table, tmp, compression="snappy", use_dictionary=False, write_statistics=False)
    os.replace(tmp, store / f"part-{index:05d}.parquet")


def _write_rejects(store: Path, index: int, rejects: list[tuple[int, str, dict[str, Any]]]) -> None:
    path = store / "rejects" / f"part-{index:05d}.csv"
    if not rejects:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for row, reason, fields in rejects:
            w.writerow([row, reason, *[str(fields.get(c) or "")[:200] for c in COLUMNS]])


def _gather_rejects(store: Path, out: Path) -> int:
    parts = sorted((store / "rejects").glob("part-*.csv")) if (store / "rejects").exists() else []
    if not parts:
        out.unlink(missing_ok=True)
        return 0
    n = 0
    with out.open("w", newline="", encoding="utf-8") as f:
        f.write("row,reason," + ",".join(COLUMNS) + "\n")
        for p in parts:
            text = p.read_text(encoding="utf-8")
            n += text.count("\n")
            f.write(text)
    return n


def ingest_file(viewer: Viewer, path: Path, *, rejects_path: Path | None = None, chunk_rows: int = CHUNK_ROWS,
                mentions: bool = True, progress: Progress | None = None,
                stop_after: int | None = None, on_part: Callable[[Path, Any], None] | None = None,
                executor: Executor | None = None, chunk_task: ChunkTask = prepare_chunk,
                repeated: dict[int, int] | None = None, sha256: Future[str] | None = None) -> IngestReport:
    """Ingest (or resume) one manifest file. ``stop_after`` stops after that many chunks (tests of resume).
    ``sha256``: the file's digest being worked out already (by a caller that started it early).

    ``on_part(part, scored)`` hears of each committed part in order; with an ``executor``, a Parquet
    file's chunks are ``chunk_task`` calls in its workers, and ``scored`` is what the task returned;
    ``repeated`` is ``reader.repeats`` of the file when the caller has read its line ids already."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory, not a manifest file")
    fmt = file_format(path)
    digest = sha256.result() if sha256 is not None else file_sha256(path)
    rejects_file = rejects_path or path.with_name(path.name + ".rejects.csv")
    with unit_of_work(viewer) as session:
        job = session.execute(select(IngestJob).where(IngestJob.sha256 == digest)).scalar_one_or_none()
        if job is not None and job.status == JobStatus.DONE:
            return IngestReport(job.id, digest, job.rows_read, job.rows_loaded, job.rows_rejected, job.mentions,
                                True, 0, None, Path(job.store_dir))
        if job is None:
            store = store_root() / digest[:16]
            job = IngestJob(sha256=digest, filename=path.name[:400], file_format=fmt, file_bytes=path.stat().st_size,
                            store_dir=str(store), chunk_rows=chunk_rows, rejects_path=str(rejects_file))
            session.add(job)
            session.flush()
        job_id, chunk_rows, resume = job.id, job.chunk_rows, job.chunks_done
        store = Path(job.store_dir)
    store.mkdir(parents=True, exist_ok=True)
    markings = line_markings(viewer)

    def commit(index: int, good: pa.Table | None, n_good: int, n_bad: int, position: float,
               scored: Any = None) -> None:
        with unit_of_work(viewer) as session:
            n_mentions = 0
            if mentions and good is not None and good.num_rows:
                m_rows, r_rows = mention_rows(good)
                _, n_mentions, _ = bulk_load(session, mentions=m_rows, relations=r_rows, markings=markings,
                                             load_id=f"{job_id[:27]}-{index:08d}", file=path.name, chunk=index)
            job = session.get(IngestJob, job_id)
            assert job is not None
            job.chunks_done = index + 1
            job.rows_read += n_good + n_bad
            job.rows_loaded += n_good
            job.rows_rejected += n_bad
            job.mentions += n_mentions
            job.percent = round(100.0 * position, 1)
        if progress:
            progress(position, f"chunk {index + 1}")
        if on_part:  # committed: a screening engine may start on it while the next chunk is read
            on_part(store / f"part-{index:05d}.parquet", scored)

    if executor is not None and fmt == "parquet" and not mentions and stop_after is None:
        # chunks are independent row ranges of the file: workers read, validate and write them; this
        # process commits them in order, so a stop still resumes at the first uncommitted chunk
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidInput(f"{path.name}: not a readable Parquet file ({exc})") from None
        check_header(pf.schema_arrow.names, path)
        total = pf.metadata.num_rows
        if repeated is None:  # a line id seen in an earlier chunk is a bad row too
            name = next(n for n in pf.schema_arrow.names if n.strip().lower() == "line_id")
            repeated = repeats(pl.read_parquet(path, columns=[name]).get_column(name))
        futures = [executor.submit(chunk_task, str(path), i, chunk_rows, str(store),
                                   {r: f for r, f in repeated.items() if i * chunk_rows < r <= (i + 1) * chunk_rows})
                   for i in range(resume, -(-total // chunk_rows))]
        for fut in futures:
            done = fut.result()
            commit(done.chunk, None, done.loaded, done.rejected, done.position, done.scored)
    else:
        done_now = 0
        for chunk in read_chunks(path, chunk_rows):
            if chunk.index < resume:
                continue
            if stop_after is not None and done_now >= stop_after:
                return _report(job_id, digest, resume, None, store, already=False)
            _write_part(store, chunk.index, chunk.good)
            _write_rejects(store, chunk.index, chunk.rejects)
            commit(chunk.index, chunk.good, chunk.good.num_rows, len(chunk.rejects), chunk.position)
            done_now += 1
    with unit_of_work(viewer) as session:
        job = session.get(IngestJob, job_id)
        assert job is not None
        n_rejects = _gather_rejects(store, rejects_file)
        job.status = JobStatus.DONE
        job.percent = 100.0
        job.finished_at = utcnow()
        record_event(session, "load", "manifest_lines", job_id, file=path.name, sha256=digest,
                     rows=job.rows_read, loaded=job.rows_loaded, rejected=job.rows_rejected, store=job.store_dir)
    if progress:
        progress(1.0, "done")
    return _report(job_id, digest, resume, rejects_file if n_rejects else None, store, already=False)


def _report(job_id: str, digest: str, resume: int, rejects: Path | None, store: Path, *, already: bool) -> IngestReport:
    with unit_of_work(_system(), readonly=True) as session:
        job = session.get(IngestJob, job_id)
        assert job is not None
        return IngestReport(job_id, digest, job.rows_read, job.rows_loaded, job.rows_rejected, job.mentions, already,
                            resume, rejects, store)


def _system() -> Viewer:
    from pathways.core.policy import system_viewer

    return system_viewer("cli")
