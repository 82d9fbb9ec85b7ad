"""``--engine spark`` (Spark local mode) resolves a small input into the same clusters as DuckDB."""

from __future__ import annotations

import shutil

import pytest

from pathways.resolve.linkage import LinkSettings, link
from pathways.resolve.records import records_from_rows

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")

ROWS: list[dict[str, str | None]] = [
    {"id": "a1", "name": "Luis Hall", "dob": "1955-03-14", "email": "luis.hall@mailhub.example"},
    {"id": "a2", "name": "HALL Luis", "dob": "1955-03-14"},
    {"id": "a3", "name": "Hall, Luis", "phone": "+14697624728", "dob": "03/14/1955"},
    {"id": "a4", "name": "Luis Hall", "dob": "1961-07-01", "address": "1 Main St, Webber, KS 66970"},
    {"id": "b1", "name": "Shenzhen Hua Xin Trading Co., Ltd.", "country": "CN",
     "address": "Room 227, Building 4, No. 221 Jin Long Road, Shenzhen, CN"},
    {"id": "b2", "name": "SHENZHEN HUAXIN TRDG CO LTD", "country": "CN",
     "address": "Room 227, Building 4, No. 221 Jin Long Road, Shenzhen, CN"},
    {"id": "b3", "name": "Shenzhen Hua Xin Trdg Co", "country": "CN", "email": "sales@huaxin.example"},
    {"id": "b4", "name": "Shenzen Hua Xin Trading", "country": "CN", "email": "sales@huaxin.example"},
]


def test_spark_and_duckdb_give_the_same_clusters_and_pairs() -> None:
    records = records_from_rows(ROWS)
    duck = link(records, keep_candidates=True)
    spark = link(records, settings=LinkSettings(engine="spark"), keep_candidates=True)
    assert spark.clusters.sort_by("id").equals(duck.clusters.sort_by("id"))
    assert {c["id"]: c["cluster_id"] for c in duck.clusters.to_pylist()} == {
        "a1": "a1", "a2": "a1", "a3": "a1", "a4": "a4", "b1": "b1", "b2": "b1", "b3": "b3", "b4": "b3"}

    def pairs(linkage: object) -> set[tuple[str, str, float, str]]:
        return {(p["id_l"], p["id_r"], round(p["probability"], 6), p["explanation"])
                for p in linkage.pairs.to_pylist()}  # type: ignore[attr-defined]

    assert pairs(spark) == pairs(duck)


    def compared(linkage: object) -> set[tuple[str, str]]:
        return {(c["id_l"], c["id_r"]) for c in linkage.candidates.to_pylist()}  # type: ignore[attr-defined]

    assert compared(spark) == compared(duck)
    assert ("b1", "b2") in compared(duck) or ("b2", "b1") in compared(duck)  # the input's own ids
