"""Deterministic file writers: same rows in, same bytes out."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
            n += 1
    return n


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Text lines (already serialised), each ended by a newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line)
            f.write("\n")
            n += 1
    return n


def write_parquet(path: Path, table: pa.Table, row_group_size: int) -> None:
    """Parquet with fixed settings (zstd, fixed row groups, no wall-clock metadata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_size, compression="zstd", compression_level=3,
                   write_statistics=True, use_dictionary=True, data_page_version="2.0")


def write_table(path: Path, table: pa.Table, fmt: str, row_group_size: int) -> None:
    """One table as parquet, csv or jsonl."""
    if fmt == "parquet":
        write_parquet(path, table, row_group_size)
    elif fmt == "csv":
        path.parent.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(table, path, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    elif fmt == "jsonl":
        buf = io.StringIO()
        cols = table.column_names
        for batch in table.to_batches(max_chunksize=65_536):
            values = [batch.column(i).to_pylist() for i in range(len(cols))]
            for row in zip(*values, strict=True):
                rec = {c: (v.isoformat() if hasattr(v, "isoformat") else v) for c, v in zip(cols, row, strict=True)}
                buf.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
                buf.write("\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buf.getvalue(), encoding="utf-8", newline="\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose parquet, csv or jsonl")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
