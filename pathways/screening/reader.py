"""Reading manifest files in chunks (CSV, Parquet, JSONL), validating rows, keeping the bad ones.

Each chunk comes back as an Arrow table in the manifest schema plus the rejected rows with their
row number (data rows count from 1; the header is row 0) and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pathways.core.errors import InvalidInput

COLUMNS = (
    "line_id", "entry_number", "arrival_date", "port_code", "mode", "importer_name", "importer_address",
    "importer_country", "shipper_name", "shipper_address", "shipper_country", "consignee_name", "consignee_address",
    "origin_country", "hts_code", "description", "quantity", "unit_value_usd",
)
MODES = ("express", "mail", "cargo", "passenger")
MANIFEST_SCHEMA = pa.schema([(c, pa.date32() if c == "arrival_date" else pa.int64() if c == "quantity"
                              else pa.float64() if c == "unit_value_usd" else pa.string()) for c in COLUMNS])
REQUIRED = ("line_id", "entry_number", "port_code", "mode", "description")


def file_format(path: Path) -> str:
    name = path.name.lower()
    for ext, fmt in ((".parquet", "parquet"), (".pq", "parquet"), (".csv", "csv"), (".jsonl", "jsonl"),
                     (".ndjson", "jsonl")):
        if name.endswith(ext):
            return fmt
    raise InvalidInput(f"{path.name}: unknown format (use .csv, .parquet or .jsonl)")


@dataclass
class Chunk:
    index: int
    first_row: int  # row number of the chunk's first row
    good: pa.Table
    rejects: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    position: float = 0.0  # fraction of the file read so far


def check_header(names: list[str], path: Path) -> None:
    lower = [n.strip().lower() for n in names]
    missing = [c for c in COLUMNS if c not in lower]
    if missing:
        raise InvalidInput(f"{path.name}: missing column(s) {', '.join(missing)} (required: {', '.join(COLUMNS)})")


def _parsed(raw: pl.DataFrame, column: str, dtype: pl.DataType) -> pl.Expr:
    """A column in its type: typed input (Parquet) is taken as it is, text is parsed (bad values null)."""
    if column not in raw.columns:
        return pl.lit(None, dtype)
    if raw.schema[column] == dtype:
        return pl.col(column)
    text = pl.col(column).cast(pl.String).str.strip_chars()
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    return text.cast(dtype, strict=False)


def validate(raw: pl.DataFrame, first_row: int, *, rows: list[int] | None = None,
             repeated: dict[int, int] | None = None) -> tuple[pl.DataFrame, list[tuple[int, str, dict[str, Any]]]]:
    """Typed good rows, and (row, reason, fields) for each bad one.

    Rows are numbered from ``first_row`` on, or by ``rows`` when the file's own numbers skip some
    (malformed CSV lines); ``repeated`` names the rows whose line id an earlier row of the file
    carries (row -> that first row), see ``repeats``."""
    typed = {"arrival_date": pl.Date(), "quantity": pl.Int64(), "unit_value_usd": pl.Float64()}
    df = raw.select(
        *[(pl.col(c) if raw.schema[c] == pl.String else pl.col(c).cast(pl.String)) if c in raw.columns
          else pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in typed],
        *[_parsed(raw, c, t).alias(f"_{c}") for c, t in typed.items()],
        *[pl.col(c).cast(pl.String).alias(c) if c in raw.columns else pl.lit(None, pl.String).alias(c)
          for c in typed],
    ).with_columns(pl.Series("_row", rows, pl.Int64) if rows is not None
                   else pl.int_range(first_row, first_row + raw.height).alias("_row"))
    firsts = pl.DataFrame({"_row": list(repeated or {}), "_first": list((repeated or {}).values())},
                          schema={"_row": pl.Int64, "_first": pl.Int64})
    df = df.join(firsts, on="_row", how="left") if firsts.height else df.with_columns(pl.lit(None, pl.Int64)
                                                                                      .alias("_first"))
    date, qty, val = pl.col("_arrival_date"), pl.col("_quantity"), pl.col("_unit_value_usd")
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        *[((pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")), pl.lit(f"{c} is empty")) for c in REQUIRED],
        (pl.col("mode").is_in(MODES).not_(), pl.format("mode {} is not one of {}", pl.col("mode"),
                                                         pl.lit(", ".join(MODES)))),
        (date.is_null(), pl.format("arrival_date {} is not a date (YYYY-MM-DD)", pl.col("arrival_date"))),
        (qty.is_null() | (qty < 0), pl.format("quantity {} is not a whole number of 0 or more", pl.col("quantity"))),
        (val.is_null() | (val < 0) | val.is_nan() | val.is_infinite(),
         pl.format("unit_value_usd {} is not an amount of 0 or more", pl.col("unit_value_usd"))),
        (pl.col("origin_country").fill_null("").str.contains(r"^[A-Z]{2}$").not_(),
         pl.format("origin_country {} is not an ISO two-letter code", pl.col("origin_country"))),
        (pl.col("_first").is_not_null(), pl.format("line_id repeated in the file (first at row {})",
                                                     pl.col("_first"))),
    ]
    reason = pl.coalesce([pl.when(bad.fill_null(True)).then(msg) for bad, msg in checks])
    df = df.with_columns(reason.alias("_reason"))
    bad = df.filter(pl.col("_reason").is_not_null())
    rejects = [(int(r["_row"]), str(r["_reason"]), {c: r[c] for c in COLUMNS}) for r in bad.iter_rows(named=True)]
    text_cols = [c for c in COLUMNS if c not in typed]
    good = df.filter(pl.col("_reason").is_null()).with_columns(
        date.alias("arrival_date"), qty.alias("quantity"), val.alias("unit_value_usd"),
        *[pl.col(c).fill_null("") for c in text_cols],
    ).select(COLUMNS)
    return good, rejects


def repeats(line_ids: pl.Series) -> dict[int, int]:
    """Rows whose line id an earlier row of the file carries: row -> the first row (data rows count
    from 1), from the file's line ids in order. Found once, before its chunks are read apart."""
    ids = pl.DataFrame({"line_id": line_ids.cast(pl.String)}).with_row_index("row", offset=1)
    later = ids.filter((pl.col("line_id").str.strip_chars().str.len_bytes() > 0)
                       & pl.col("line_id").is_first_distinct().not_())
    if later.height == 0:
        return {}
    firsts = ids.join(later.select("line_id").unique(), on="line_id").group_by("line_id").agg(
        pl.col("row").min().alias("first"))
    pairs = later.join(firsts, on="line_id").select("row", "first")
    return dict(zip(pairs.get_column("row").to_list(), pairs.get_column("first").to_list(), strict=True))


def _typed(df: pl.DataFrame) -> pa.Table:
    return df.to_arrow().cast(MANIFEST_SCHEMA)


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[tuple[pl.DataFrame, float]]:
    pf = pq.ParquetFile(path)
    check_header(pf.schema_arrow.names, path)
    total = max(pf.metadata.num_rows, 1)
    done = 0
    pending: list[pa.Table] = []
    rows = 0
    # whole row groups are read much faster than re-batched streams; they are cut into chunks here
    for g in range(pf.num_row_groups):
        pending.append(pf.read_row_group(g))
        rows += pending[-1].num_rows
        while rows >= chunk_rows:
            whole = pa.concat_tables(pending)
            head, rest = whole.slice(0, chunk_rows), whole.slice(chunk_rows)
            pending, rows = [rest], rest.num_rows
            done += head.num_rows
            yield _frame(head), done / total
    if rows:
        done += rows
        yield _frame(pa.concat_tables(pending)), done / total


def _frame(table: pa.Table) -> pl.DataFrame:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return df.rename({c: c.strip().lower() for c in df.columns})


def _csv_chunks(path: Path, chunk_rows: int, bad_rows: list[tuple[int, str]]) -> Iterator[tuple[pl.DataFrame, float]]:
    size = max(path.stat().st_size, 1)
    f: BinaryIO = path.open("rb")

    def invalid(row: Any) -> str:
        bad_rows.append((int(row.number) - 1 if row.number else -1,
                         f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    try:
        head = f.readline().decode("utf-8-sig", errors="replace")
        f.seek(0)
        names = [n.strip().strip('"').lower() for n in head.rstrip("\r\n").split(",")]
        check_header(names, path)
        reader = pacsv.open_csv(
            # one thread: the parser then knows the line number of a malformed row
            f, read_options=pacsv.ReadOptions(block_size=16 << 20, use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=invalid, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False))
        buf: list[pl.DataFrame] = []
        rows = 0
        for batch in reader:
            df = pl.from_arrow(batch)
            assert isinstance(df, pl.DataFrame)
            buf.append(df.rename({c: c.strip().lower() for c in df.columns}))
            rows += df.height
            while rows >= chunk_rows:
                whole = pl.concat(buf)
                yield whole.head(chunk_rows), min(f.tell() / size, 0.999)
                rest = whole.slice(chunk_rows)
                buf, rows = [rest], rest.height
        if rows:
            yield pl.concat(buf), 1.0
    except pa.ArrowInvalid as exc:
        raise InvalidInput(f"{path.name}: not a readable CSV file ({exc})") from None
    finally:
        f.close()


def _jsonl_chunks(path: Path, chunk_rows: int, bad_rows: list[tuple[int, str]]) -> Iterator[tuple[pl.DataFrame, float]]:
    size = max(path.stat().st_size, 1)
    buf: list[dict[str, Any]] = []
    with path.open("rb") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                buf.append({c: None if obj.get(c) is None else str(obj.get(c)) for c in COLUMNS} | {"_n": n})
            except (ValueError, UnicodeDecodeError) as exc:
                bad_rows.append((n, f"not a JSON object ({exc})"))
                continue
            if len(buf) >= chunk_rows:
                yield pl.DataFrame(buf, schema={**dict.fromkeys(COLUMNS, pl.String), "_n": pl.Int64}), f.tell() / size
                buf = []
    if buf:
        yield pl.DataFrame(buf, schema={**dict.fromkeys(COLUMNS, pl.String), "_n": pl.Int64}), 1.0


def read_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    """The file's chunks, validated; row numbers are global and stable, so a resume skips exactly."""
    fmt = file_format(path)
    bad_rows: list[tuple[int, str]] = []
    if fmt == "parquet":
        try:
            source = _parquet_chunks(path, chunk_rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidInput(f"{path.name}: not a readable Parquet file ({exc})") from None
    elif fmt == "csv":
        source = _csv_chunks(path, chunk_rows, bad_rows)
    else:
        source = _jsonl_chunks(path, chunk_rows, bad_rows)
    first = 1
    seen: dict[str, int] = {}  # line id -> the row that carried it first
    malformed: set[int] = set()  # CSV rows the parser skipped: they keep their numbers
    for i, (raw, position) in enumerate(source):
        malformed.update(n for n, _ in bad_rows)
        if "_n" in raw.columns:  # JSONL: the file's own line numbers
            numbers = raw.get_column("_n").to_list()
        else:
            numbers = [n for n in range(first, first + raw.height + len(malformed)) if n not in malformed][:raw.height]
        repeated = {}
        for n, line_id in zip(numbers, raw.get_column("line_id").cast(pl.String).to_list(), strict=True):
            if line_id and line_id.strip():
                repeated_at = seen.setdefault(line_id, n)
                if repeated_at != n:
                    repeated[n] = repeated_at
        good, rejects = validate(raw.drop("_n") if "_n" in raw.columns else raw, first, rows=numbers,
                                 repeated=repeated)
        rejects += [(n, why, {}) for n, why in bad_rows]
        bad_rows.clear()
        yield Chunk(i, first, _typed(good), sorted(rejects, key=lambda r: r[0]), position)
        first = (numbers[-1] + 1) if numbers else first
