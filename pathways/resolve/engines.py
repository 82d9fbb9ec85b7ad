"""Where Splink runs: DuckDB in this process (default), or Apache Spark (local mode unless configured)."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from typing import Any

from pathways.core.errors import InvalidInput

ENGINES = ("duckdb", "spark")
# From this many records, DuckDB writes Splink's intermediate tables (blocked pairs, predictions) to
# Parquet files instead of holding them in memory: a million records peaked 1.5 GB lower so.
SPILL_RECORDS = 100_000


def local_spark() -> Any:
    """The process's Spark session (``pathways.core.spark``), with Splink's similarity functions."""
    from pathways.core.spark import spark_session

    return spark_session()


def db_api(engine: str, records: int = 0) -> Any:
    """A fresh Splink database API on ``engine`` for linking ``records`` records."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        if records < SPILL_RECORDS:
            return DuckDBAPI()
        scratch = tempfile.mkdtemp(prefix="pathways-splink-")
        api = DuckDBAPI(materialisation="parquet", materialisation_dir=scratch)
        weakref.finalize(api, shutil.rmtree, scratch, True)  # the files go with the API (or at exit)
        return api
    if engine == "spark":
        from splink import SparkAPI

        spark = local_spark()
        spark.sparkContext.setCheckpointDir("/tmp/pathways-spark-checkpoints")
        return SparkAPI(spark_session=spark, break_lineage_method="persist")
    raise InvalidInput(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
