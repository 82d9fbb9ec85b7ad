"""The one Apache Spark session of a process (local mode unless ``PATHWAYS_SPARK_MASTER`` says otherwise).

Every batch step that scales out on Spark (screening, entity resolution) shares it: Spark keeps one
context per process, so whichever step came first would otherwise decide the others' settings — above
all which Python the workers run, which must be this one (with this environment's packages).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any


@cache
def spark_session() -> Any:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(os.environ.get("PATHWAYS_SPARK_MASTER", f"local[{os.cpu_count() or 2}]"))
             .appName("pathways")
             .config("spark.jars", similarity_jar_location())  # Splink's string similarity functions
             .config("spark.ui.enabled", "false")
             .config("spark.driver.memory", os.environ.get("PATHWAYS_SPARK_DRIVER_MEMORY", "3g"))
             .config("spark.sql.shuffle.partitions", "8")
             .config("spark.default.parallelism", "8")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "100000")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark
