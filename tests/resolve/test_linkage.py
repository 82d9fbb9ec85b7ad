"""Linkage on a tiny world's ground truth: quality well above a floor, the same clusters on a rerun,
judgements honoured, saved models reused, link-only between two files, explanations in words."""

from __future__ import annotations

import re

import polars as pl
import pyarrow as pa
import pytest

from pathways.core.errors import InvalidInput
from pathways.resolve.evaluation import bcubed, pairwise
from pathways.resolve.linkage import Linkage, LinkSettings, link
from pathways.resolve.records import records_from_rows
from tests.resolve.linked_world import _linked, _world  # noqa: F401  (fixtures)


def _assigned(linkage: Linkage, truth: pl.DataFrame) -> pl.DataFrame:
    clusters = pl.from_arrow(linkage.clusters)
    assert isinstance(clusters, pl.DataFrame)
    return clusters.join(truth, on="id")


def test_quality_on_the_world_is_well_above_the_floor(world: tuple[pa.Table, pl.DataFrame], linked: Linkage) -> None:
    records, truth = world
    assigned = _assigned(linked, truth)
    assert assigned.height == records.num_rows
    assert pairwise(assigned.filter(pl.col("true_kind") == "organization"))["f1"] >= 0.95
    assert pairwise(assigned.filter(pl.col("true_kind") == "person"))["f1"] >= 0.85
    assert bcubed(assigned)["f1"] >= 0.9
    # the baseline of exact names is beaten
    assert linked.stats["clusters"] < records.num_rows


def test_every_pair_is_explained_and_ordered(linked: Linkage) -> None:
    pairs = pl.from_arrow(linked.pairs)
    assert isinstance(pairs, pl.DataFrame)
    assert pairs.height > 0
    assert (pairs["id_l"] < pairs["id_r"]).all()
    assert (pairs["probability"] >= 0.5).all()
    part = re.compile(r"^[a-z][\w\- ≥.]* [+−]\d+\.\d$")
    for text in pairs["explanation"].head(200):
        assert all(part.match(p) for p in text.split("; ")), text
    assert pairs.filter(pl.col("explanation").str.contains("Jaro-Winkler 0\\.\\d")).height + \
        pairs.filter(pl.col("explanation").str.contains("same")).height > 0


def test_a_rerun_gives_the_same_clusters_and_saved_models_need_no_training(
        world: tuple[pa.Table, pl.DataFrame], linked: Linkage) -> None:
    again = link(world[0], models=linked.models)
    assert again.clusters.sort_by("id").equals(linked.clusters.sort_by("id"))
    assert all("timings" not in again.stats[k] for k in again.models)
    assert set(linked.models) == {"person", "organization"}
    assert all(m["splink"]["comparisons"] for m in linked.models.values())


def test_judgements_beat_the_model(world: tuple[pa.Table, pl.DataFrame], linked: Linkage) -> None:
    pairs = pl.from_arrow(linked.pairs)
    assert isinstance(pairs, pl.DataFrame)
    sure = pairs.filter(pl.col("probability") >= 0.99).row(0, named=True)
    ids = pl.from_arrow(linked.clusters)
    assert isinstance(ids, pl.DataFrame)
    far = ids.filter(pl.col("cluster_id") != ids.filter(pl.col("id") == sure["id_l"])["cluster_id"][0])["id"][0]
    again = link(world[0], models=linked.models, not_same=[(sure["id_l"], sure["id_r"])],
                 same=[(sure["id_l"], far)])
    cluster = dict(zip(again.clusters.column("id").to_pylist(), again.clusters.column("cluster_id").to_pylist(),
                       strict=True))
    assert cluster[sure["id_l"]] != cluster[sure["id_r"]]
    assert cluster[sure["id_l"]] == cluster[far]


def _people(prefix: str) -> list[dict[str, str | None]]:
    return [{"id": f"{prefix}1", "name": "Luis Hall", "dob": "1955-03-14", "email": "luis.hall@mailhub.example"},
            {"id": f"{prefix}2", "name": "Sunrise Trdg Co., Ltd", "country": "CN", "phone": "+8613512345678"}]


def test_link_only_pairs_records_across_the_two_files() -> None:
    left = records_from_rows(_people("a"))
    right = records_from_rows([{"id": "b1", "name": "HALL, Luis", "email": "Luis.Hall@Mailhub.example"},
                               {"id": "b2", "name": "SUNRISE TRADING COMPANY LIMITED", "phone": "+86 135 1234 5678",
                                "country": "CN"}])
    out = link(left, other=right)
    cluster = dict(zip(out.clusters.column("id").to_pylist(), out.clusters.column("cluster_id").to_pylist(),
                       strict=True))
    assert cluster == {"a1": "a1", "a2": "a2", "b1": "a1", "b2": "a2"}
    assert {(p["id_l"], p["id_r"]) for p in out.pairs.to_pylist()} == {("a1", "b1"), ("a2", "b2")}


def test_colliding_ids_and_unknown_engines_are_refused() -> None:
    with pytest.raises(InvalidInput, match="ids are in both files"):
        link(records_from_rows(_people("a")), other=records_from_rows(_people("a")))
    with pytest.raises(InvalidInput, match="engine"):
        link(records_from_rows(_people("a")), settings=LinkSettings(engine="oracle"))


def test_an_address_shared_by_many_names_carries_no_weight() -> None:
    forwarder = "100 Harbor Way, Suite 1, Long Beach, CA 90802"
    rows: list[dict[str, str | None]] = [
        {"id": f"c{i:03d}", "name": f"{given} Garcia", "address": forwarder}
        for i, given in enumerate(["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu",
                                   "Mo", "Ned", "Ola", "Pia", "Quin", "Rex", "Sue", "Ty", "Uma", "Val", "Wes",
                                   "Xia"] * 2)]
    capped = link(records_from_rows(rows), settings=LinkSettings(address_cap=20))
    assert capped.stats["common_addresses"] == 1
    assert capped.models["person"]["common_addresses"] == ["100 harbor way|90802"]
    open_door = link(records_from_rows(rows), settings=LinkSettings(address_cap=1000))
    assert open_door.stats["common_addresses"] == 0
    assert open_door.stats["clusters"] <= capped.stats["clusters"] == 24


def test_saved_models_from_a_dedupe_run_also_link_two_files(linked: Linkage) -> None:
    left = records_from_rows(_people("a"))
    right = records_from_rows([{"id": "b1", "name": "HALL, Luis", "dob": "03/14/1955",
                                "email": "Luis.Hall@Mailhub.example"}])
    out = link(left, other=right, models=linked.models)
    assert {(p["id_l"], p["id_r"]) for p in out.pairs.to_pylist() if p["probability"] >= 0.9} == {("a1", "b1")}


def test_a_bare_name_does_not_chain_two_people_with_different_birth_dates() -> None:
    address = "3045 Lincoln Way, Pittsburgh, PA 15204"
    rows: list[dict[str, str | None]] = [
        {"id": "a", "name": "Matthew S. Martinez", "dob": "1987-11-03", "address": address},
        {"id": "b", "name": "Matthew K. Martinez", "dob": "1999-12-28", "phone": "+16626368950"},
        {"id": "c", "name": "Matthew Martinez", "address": address, "phone": "+16626368950"},
    ]
    out = link(records_from_rows(rows))
    cluster = dict(zip(out.clusters.column("id").to_pylist(), out.clusters.column("cluster_id").to_pylist(),
                       strict=True))
    strong = {(p["id_l"], p["id_r"]) for p in out.pairs.to_pylist() if p["probability"] >= 0.9}
    assert {("a", "c"), ("b", "c")} <= strong  # each alone would join c
    assert cluster["a"] != cluster["b"]
    assert out.conflicts is not None and out.conflicts.to_pylist() == [{"id_l": "a", "id_r": "b"}]
