"""Where Splink runs: DuckDB in this process (default), or Apache Spark (local mode unless configured)."""

from __future__ import annotations

from typing import Any

from pathways.core.errors import InvalidInput

ENGINES = ("duckdb", "spark")


def local_spark() -> Any:
    """The process's Spark session (``pathways.core.spark``), with Splink's similarity functions."""
    from pathways.core.spark import spark_session

    return spark_session()


def db_api(engine: str) -> Any:
    """A fresh Splink database API on ``engine``."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI

        spark = local_spark()
        spark.sparkContext.setCheckpointDir("/tmp/pathways-spark-checkpoints")
        return SparkAPI(spark_session=spark, break_lineage_method="persist")
    raise InvalidInput(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
