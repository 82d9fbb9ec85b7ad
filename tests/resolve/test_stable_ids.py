"""Entity ids survive reruns: the cluster that continues an entity keeps its id, and moves are written down."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from pathways.resolve.entity_models import EventKind
from pathways.resolve.stable_ids import assign_ids


def counter(prefix: str = "E"):  # type: ignore[no-untyped-def]
    n = itertools.count(1)
    return lambda: f"{prefix}{next(n):04d}"


clusterings = st.lists(st.lists(st.sampled_from([f"m{i}" for i in range(30)]), min_size=1, max_size=8),
                       min_size=1, max_size=8)


def as_clusters(groups: list[list[str]]) -> dict[str, list[str]]:
    """Disjoint clusters from possibly overlapping lists (a mention goes to its first group)."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for i, g in enumerate(groups):
        members = sorted({m for m in g if m not in seen})
        seen.update(members)
        if members:
            out[f"c{i}"] = members
    return out


@given(clusterings, clusterings)
def test_every_mention_gets_one_id_and_no_id_is_shared(first: list[list[str]], second: list[list[str]]) -> None:
    before = assign_ids(as_clusters(first), {}, counter("A"))
    after = assign_ids(as_clusters(second), before.entity_of, counter("B"))
    assert set(after.entity_of) == {m for ms in as_clusters(second).values() for m in ms}
    assert len(after.members) == len(as_clusters(second))
    for eid, ms in after.members.items():
        assert all(after.entity_of[m] == eid for m in ms)
    # an old id survives in at most one place, and an absorbed id is never also alive
    assert not set(after.merged_into) & set(after.members)
    assert not after.retired & set(after.members)


@given(clusterings)
def test_rerunning_the_same_clustering_keeps_every_id_and_records_nothing(groups: list[list[str]]) -> None:
    clusters = as_clusters(groups)
    first = assign_ids(clusters, {}, counter("A"))
    again = assign_ids(clusters, first.entity_of, counter("B"))
    assert again.entity_of == first.entity_of
    assert again.events == [] and not again.created


def test_a_merge_keeps_the_larger_entitys_id_and_names_the_absorbed_one() -> None:
    previous = {"a1": "E1", "a2": "E1", "a3": "E1", "b1": "E2"}
    out = assign_ids({"x": ["a1", "a2", "a3", "b1"]}, previous, counter())
    assert set(out.entity_of.values()) == {"E1"}
    assert out.merged_into == {"E2": "E1"}
    kinds = {(e.entity_id, e.kind, e.other_ids) for e in out.events}
    assert ("E1", EventKind.MERGED, ("E2",)) in kinds and ("E2", EventKind.MERGED_INTO, ("E1",)) in kinds


def test_a_split_keeps_the_id_on_the_larger_part_and_gives_the_rest_a_new_one() -> None:
    previous = {"a1": "E1", "a2": "E1", "a3": "E1"}
    out = assign_ids({"x": ["a1", "a2"], "y": ["a3"]}, previous, counter("N"))
    assert out.entity_of["a1"] == out.entity_of["a2"] == "E1"
    assert out.entity_of["a3"] == "N0001"
    kinds = {(e.entity_id, e.kind, e.other_ids) for e in out.events}
    assert ("E1", EventKind.SPLIT, ("N0001",)) in kinds and ("N0001", EventKind.SPLIT_FROM, ("E1",)) in kinds


def test_new_mentions_joining_an_entity_keep_its_id_and_an_emptied_entity_is_retired() -> None:
    previous = {"a1": "E1", "gone": "E9"}
    out = assign_ids({"x": ["a1", "new"]}, previous, counter())
    assert out.entity_of == {"a1": "E1", "new": "E1"}
    assert out.retired == {"E9"}
    assert not out.created
