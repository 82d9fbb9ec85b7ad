"""The batch engines: the same ``score_chunk`` over the line store's Parquet parts.

``embedded`` scores parts in a pool of worker processes (one per core; Polars and Arrow inside
each); ``spark`` runs PySpark in local mode with ``mapInArrow``. Both return hits sorted by line id,
so their outputs are identical.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing as mp
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import cast

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pathways.core.errors import InvalidInput
from pathways.screening.catalog import Catalog, MarkSet, matcher_for
from pathways.screening.ingest import ChunkDone, ChunkTask, read_chunk
from pathways.screening.matcher import dictionary, gc_paused
from pathways.screening.reader import repeats
from pathways.screening.rules import Rules
from pathways.screening.score import HITS_SCHEMA, describe, match_key, remember, score_chunk

ENGINES = ("embedded", "spark")
DESCRIBE_RUNS = 4  # runs of descriptions a worker, for matching ahead of the chunks
Progress = Callable[[int, int], None]

_STATE: dict[str, object] = {}


def _init(catalog: Catalog | None, rules: Rules) -> None:
    # the matcher is compiled on the first part scored, so ingest chunks need not wait for it
    _STATE["rules"] = rules
    if catalog is not None:
        _STATE["catalog"] = catalog


def _marks(marks_file: str) -> MarkSet:
    """This worker's mark set (read from the file the pool hands it) and its compiled matcher."""
    if _STATE.get("marks_file") != marks_file:
        with gc_paused():
            _STATE["marks"] = pickle.loads(Path(marks_file).read_bytes())
        _STATE["marks_file"] = marks_file
    marks = _STATE["marks"]
    assert isinstance(marks, MarkSet)
    if _STATE.get("compiled") != marks.digest:
        matcher_for(marks)
        gc.freeze()  # the compiled matcher lives as long as the worker: no collector passes over it
        _STATE["compiled"] = marks.digest
    return marks


def _warm(catalog_file: str | None = None) -> tuple[Catalog, Rules]:
    """This worker's catalog (read from the file a pool hands its tasks) and compiled matcher."""
    if catalog_file and _STATE.get("catalog_file") != catalog_file:
        with gc_paused():
            _STATE["catalog"] = pickle.loads(Path(catalog_file).read_bytes())
        _STATE["catalog_file"] = catalog_file
        _STATE.pop("warm", None)
    catalog, rules = _STATE["catalog"], _STATE["rules"]
    assert isinstance(catalog, Catalog) and isinstance(rules, Rules)
    if "warm" not in _STATE:
        matcher_for(catalog.marks)  # already compiled from the mark set, unless the marks changed meanwhile
        gc.freeze()  # the compiled matcher lives as long as the worker: no collector passes over it
        _STATE["warm"] = True
    return catalog, rules


def _warm_up(marks_file: str | None = None) -> None:
    if marks_file:
        _marks(marks_file)
    else:  # while the marks are read: the word list the matcher consults for every new word
        dictionary()


def _score(table: pa.Table, catalog_file: str | None = None, described: str | None = None
           ) -> tuple[pa.Table, pa.Table]:
    catalog, rules = _warm(catalog_file)
    if described and _STATE.get("described") != described:
        remember(pl.read_ipc(described), catalog, rules)
        _STATE["described"] = described
    return score_chunk(table, catalog, rules)


def _score_part(path: str, catalog_file: str | None = None, described: str | None = None
                ) -> tuple[pa.Table, pa.Table]:
    return _score(pq.read_table(path), catalog_file, described)


def _ingest_and_score(path: str, index: int, chunk_rows: int, store: str, repeated: dict[int, int] | None = None,
                      *, catalog_file: str, described: str | None = None) -> ChunkDone:
    """A chunk read, validated and written to the line store, and screened while still in memory."""
    done, table = read_chunk(path, index, chunk_rows, store, repeated)
    return done._replace(scored=_score(table, catalog_file, described))


def _describe(keys: list[str], marks_file: str) -> pa.Table:
    rules = _STATE["rules"]
    assert isinstance(rules, Rules)
    return describe(keys, _marks(marks_file), rules).to_arrow()


class EmbeddedPool:
    """Worker processes shared by the ingest (reading, validating and writing chunks) and the scoring,
    so a run scores parts while the next ones are still being written; a chunk a worker ingests it
    also scores at once.

    The workers start (and import) while this process reads the marks; ``compile(marks)`` hands them
    over as a file, and the workers compile the matcher while this process reads the file's distinct
    descriptions (``describe``) and then the rest of the catalog. The workers match the descriptions,
    each a share, ahead of the chunks, so no description is matched twice (matching is most of the
    scoring's work); ``use(catalog)`` hands over the catalog and waits for the descriptions."""

    def __init__(self, rules: Rules, scratch: Path, workers: int | None = None) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"),
                                        initializer=_init, initargs=(None, rules))
        for _ in range(self.workers):
            self.pool.submit(_warm_up)
        self.scratch = scratch
        self.marks_file = str(scratch.with_suffix(".marks"))
        self.marks_digest = ""
        self.catalog_file = str(scratch.with_suffix(".catalog"))
        self.shares: list[Future[pa.Table]] = []
        self.described: str | None = None
        self.futures: dict[str, Future[tuple[pa.Table, pa.Table]]] = {}
        self.scored: dict[str, tuple[pa.Table, pa.Table]] = {}

    def compile(self, marks: MarkSet) -> None:
        self.marks_digest = marks.digest
        self.scratch.parent.mkdir(parents=True, exist_ok=True)
        Path(self.marks_file).write_bytes(pickle.dumps(marks, protocol=pickle.HIGHEST_PROTOCOL))
        for _ in range(self.workers):
            self.pool.submit(_warm_up, self.marks_file)

    def use(self, catalog: Catalog) -> None:
        Path(self.catalog_file).write_bytes(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        for _ in range(self.workers):  # each worker reads it as it finishes matching
            self.pool.submit(_warm, self.catalog_file)
        if self.shares and catalog.marks.digest == self.marks_digest:  # else a recordation changed meanwhile:
            # the descriptions are matched again, chunk by chunk, against the catalog's own marks
            described = pl.concat([cast(pl.DataFrame, pl.from_arrow(f.result())) for f in self.shares])
            described.write_ipc(self.scratch, compression="uncompressed")
            self.described = str(self.scratch)

    @property
    def chunk_task(self) -> ChunkTask:
        return functools.partial(_ingest_and_score, catalog_file=self.catalog_file, described=self.described)

    def describe(self, source: Path) -> dict[int, int] | None:
        """Have the workers match the distinct descriptions of a Parquet manifest file ahead of its
        chunks; the file's repeated line ids (``reader.repeats``) come back from the same read."""
        try:
            columns = pl.scan_parquet(source).select(pl.col("line_id").cast(pl.String),
                                                     pl.col("description").cast(pl.String))
            counts, raw = pl.collect_all([columns.select(pl.col("line_id").n_unique().alias("ids"), pl.len()),
                                          columns.select("description").unique()])
            repeated = {} if counts.item(0, "ids") == counts.item(0, "len") else repeats(
                columns.select("line_id").collect().get_column("line_id"))
        except (pl.exceptions.PolarsError, OSError):
            return None  # not this engine's business: the ingest says what is wrong with the file
        # contiguous runs of the sorted descriptions share their words (a brand and its goods), and
        # the matcher caches what each word matches: a worker given runs matches fewer new words than
        # one given every other description; several runs a worker keep the shares even
        keys = raw.select(match_key()).unique().get_column("description").sort()
        size = max(1, -(-keys.len() // (self.workers * DESCRIBE_RUNS)))
        self.shares = [self.pool.submit(_describe, keys.slice(start, size).to_list(), self.marks_file)
                       for start in range(0, keys.len(), size) or [0]]
        return repeated

    def on_part(self, part: Path, scored: tuple[pa.Table, pa.Table] | None) -> None:
        """A part committed by the ingest: keep what its worker scored, or score it now."""
        if scored is not None:
            self.scored[str(part)] = scored
        else:
            self.submit(part)

    def submit(self, part: Path) -> None:
        if str(part) not in self.futures and str(part) not in self.scored:
            self.futures[str(part)] = self.pool.submit(_score_part, str(part), self.catalog_file, self.described)

    def results(self, parts: list[Path], progress: Progress | None = None) -> Iterator[tuple[pa.Table, pa.Table]]:
        for p in parts:
            self.submit(p)
        for i, p in enumerate(parts):
            done = self.scored.pop(str(p), None)
            yield done if done is not None else self.futures.pop(str(p)).result()
            if progress:
                progress(i + 1, len(parts))

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        Path(self.catalog_file).unlink(missing_ok=True)
        Path(self.marks_file).unlink(missing_ok=True)
        self.scratch.unlink(missing_ok=True)


def run_embedded(parts: list[Path], catalog: Catalog, rules: Rules, *, workers: int | None = None,
                 progress: Progress | None = None) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(hits, targets) per part, in part order."""
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(parts) <= 1:
        _init(catalog, rules)
        for i, p in enumerate(parts):
            yield _score_part(str(p))
            if progress:
                progress(i + 1, len(parts))
        return
    ctx = mp.get_context("spawn")  # Polars' thread pool does not survive fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                             initargs=(catalog, rules)) as pool:
        for i, result in enumerate(pool.map(_score_part, [str(p) for p in parts])):
            yield result
            if progress:
                progress(i + 1, len(parts))


def run_spark(parts: list[Path], catalog: Catalog, rules: Rules, *, progress: Progress | None = None
              ) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The same scoring on Apache Spark (local mode): the matcher runs inside ``mapInArrow``."""
    try:
        from pathways.core.spark import spark_session
    except ImportError:  # pragma: no cover - pyspark is a pinned dependency
        raise InvalidInput("--engine spark needs pyspark installed") from None
    spark = spark_session()
    from pathways.screening.reader import MANIFEST_SCHEMA

    target_fields = list(MANIFEST_SCHEMA) + [f for f in HITS_SCHEMA if f.name != "line_id"]
    out_schema = pa.schema([*HITS_SCHEMA, pa.field("_target", pa.bool_()),
                            *[pa.field("t_" + f.name, f.type) for f in target_fields if f.name != "line_id"]])

    def score_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            hits, targets = score_chunk(pa.Table.from_batches([batch]), catalog, rules)
            yield from _combine(hits, targets, out_schema).to_batches()

    try:
        df = spark.read.parquet(*[str(p) for p in parts])
        from pyspark.sql.types import StructType

        spark_schema = StructType.fromJson(_spark_schema_json(out_schema))
        result = df.mapInArrow(score_batches, spark_schema)
        table = result.toArrow()
    finally:
        spark.stop()
    hits, targets = _split(table)
    if progress:
        progress(len(parts), len(parts))
    yield hits, targets


def _combine(hits: pa.Table, targets: pa.Table, schema: pa.Schema) -> pa.Table:
    h = pl.from_arrow(hits)
    t = pl.from_arrow(targets)
    assert isinstance(h, pl.DataFrame) and isinstance(t, pl.DataFrame)
    t = t.rename({c: "t_" + c for c in t.columns if c != "line_id"}).with_columns(pl.lit(True).alias("_target"))
    merged = h.join(t, on="line_id", how="left").with_columns(pl.col("_target").fill_null(False))
    return merged.select([f.name for f in schema]).to_arrow().cast(schema)


def _split(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    df = df.sort("line_id")
    hits = df.select([f.name for f in HITS_SCHEMA]).to_arrow().cast(HITS_SCHEMA)
    t = df.filter(pl.col("_target")).select(["line_id", *[c for c in df.columns if c.startswith("t_")]])
    t = t.rename({c: c[2:] for c in t.columns if c.startswith("t_")})
    return hits, t.to_arrow()


def _spark_schema_json(schema: pa.Schema) -> dict[str, object]:
    names = {pa.string(): "string", pa.float64(): "double", pa.bool_(): "boolean", pa.int64(): "long",
             pa.date32(): "date"}
    return {"type": "struct", "fields": [{"name": f.name, "type": names[f.type], "nullable": True, "metadata": {}}
                                         for f in schema]}
