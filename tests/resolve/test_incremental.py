"""A new record scored against candidates with the saved models, and the keys that find its candidates."""

from __future__ import annotations

import copy

import polars as pl
import pyarrow as pa

from pathways.resolve.features import features
from pathways.resolve.incremental import candidate_keys, score_candidates
from pathways.resolve.linkage import Linkage
from pathways.resolve.records import records_from_rows
from tests.resolve.linked_world import _linked, _world  # noqa: F401  (fixtures)


def _tip_subjects(world: tuple[pa.Table, pl.DataFrame]) -> pl.DataFrame:
    records = pl.from_arrow(world[0])
    assert isinstance(records, pl.DataFrame)
    return records.join(world[1], on="id").filter(pl.col("source") == "tips")


def test_a_new_mention_of_a_known_person_scores_highest_against_that_person(
        world: tuple[pa.Table, pl.DataFrame], linked: Linkage) -> None:
    tips = _tip_subjects(world)
    party = tips.group_by("party_id").len().filter(pl.col("len") >= 2)["party_id"].sort()[0]
    same = tips.filter(pl.col("party_id") == party).to_dicts()
    others = tips.filter(pl.col("party_id") != party).head(40).to_dicts()
    new = {**same[0], "id": "new"}
    scored = score_candidates(linked.models, new, same[1:] + others)
    assert len(scored) == len(same) - 1 + len(others)
    assert scored[0].id_l == "new"
    assert scored[0].id_r in {r["id"] for r in same[1:]}
    assert scored[0].probability > 0.5 > scored[-1].probability
    assert scored[0].explanation and scored[0].match_weight > scored[-1].match_weight


def test_candidate_keys_are_shared_by_the_pairs_blocking_compares(linked: Linkage) -> None:
    rows = records_from_rows([{"id": "1", "name": "Luis Hall", "dob": "1955-03-14"},
                              {"id": "2", "name": "HALL, Luis", "email": "luis@x.example"},
                              {"id": "3", "name": "Luis Hxll", "dob": "1955-03-14"},
                              {"id": "4", "name": "Shenzhen Hua Xin Trdg Co., Ltd", "country": "CN"},
                              {"id": "5", "name": "SHENZHEN HUAXIN TRADING COMPANY LIMITED", "country": "CN"}])
    keys = [set(candidate_keys(r)) for r in features(rows).to_pylist()]
    assert keys[0] & keys[1] and keys[0] & keys[2] and keys[3] & keys[4]
    assert not keys[0] & keys[3]
    assert candidate_keys({"id": "x", "name": "Luis Hall"}) == candidate_keys({"id": "y", "name": "HALL Luis"})


def test_an_address_known_as_shared_by_many_gives_no_weight(linked: Linkage) -> None:
    address = "100 Harbor Way, Suite 1, Long Beach, CA 90802"
    new = {"id": "n", "name": "Ana Garcia", "address": address}
    candidate = {"id": "c", "name": "Ana Garcia", "address": address}
    models = copy.deepcopy(linked.models)
    models["person"]["common_addresses"] = []
    open_door = score_candidates(models, new, [candidate])[0]
    models["person"]["common_addresses"] = ["100 harbor way|90802"]
    capped = score_candidates(models, new, [candidate])[0]
    assert "same street address" in open_door.explanation
    assert "address" not in capped.explanation
    assert capped.probability < open_door.probability
