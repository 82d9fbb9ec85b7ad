"""Where Splink runs: DuckDB in this process (default), or Apache Spark (local mode unless configured)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from pathways.core.errors import InvalidInput

ENGINES = ("duckdb", "spark")


@cache
def local_spark() -> Any:
    """One Spark session per process, with Splink's similarity functions on its class path."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (SparkSession.builder.master(os.environ.get("PATHWAYS_SPARK_MASTER", "local[2]"))
            .appName("pathways-resolve")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.default.parallelism", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", os.environ.get("PATHWAYS_SPARK_DRIVER_MEMORY", "2g"))
            .getOrCreate())


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
