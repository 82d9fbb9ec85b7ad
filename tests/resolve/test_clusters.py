"""Clustering honours human judgements whatever the scores say, and depends only on its input."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.resolve.clusters import cluster

IDS = [f"r{i:02d}" for i in range(12)]
PAIR = st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)).filter(lambda p: p[0] != p[1])
SCORED = st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.floats(0, 1)), max_size=40)


def _groups(assignment: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for i, c in assignment.items():
        out.setdefault(c, set()).add(i)
    return out


@settings(max_examples=200)
@given(SCORED, st.lists(PAIR, max_size=6), st.lists(PAIR, max_size=6))
def test_judgements_always_beat_the_scores(pairs: list[tuple[str, str, float]], same: list[tuple[str, str]],
                                           not_same: list[tuple[str, str]]) -> None:
    not_same = [p for p in not_same if p not in same and p[::-1] not in same]
    assignment = cluster(IDS, pairs, 0.5, same, not_same)
    assert set(assignment) == set(IDS)
    for a, b in same:
        assert assignment[a] == assignment[b]
    forced = cluster(IDS, [], 0.5, same, ())
    for a, b in not_same:
        if forced[a] != forced[b]:  # only "same" judgements themselves may join a "not same" pair
            assert assignment[a] != assignment[b]
    for cid, members in _groups(assignment).items():
        assert cid == min(members)


@settings(max_examples=100)
@given(SCORED, st.lists(PAIR, max_size=4), st.randoms())
def test_the_order_of_the_input_does_not_matter(pairs: list[tuple[str, str, float]],
                                                not_same: list[tuple[str, str]], rnd: random.Random) -> None:
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    ids = IDS[:]
    rnd.shuffle(ids)
    assert cluster(IDS, pairs, 0.5, (), not_same) == cluster(ids, shuffled, 0.5, (), not_same)


def test_below_the_threshold_nothing_joins_and_the_strongest_link_wins_a_conflict() -> None:
    assert cluster(["a", "b"], [("a", "b", 0.4)], 0.5) == {"a": "a", "b": "b"}
    # a-b and b-c are strong, but a and c are judged apart: the stronger a-b is kept, c stays alone.
    out = cluster(["a", "b", "c"], [("a", "b", 0.99), ("b", "c", 0.95)], 0.9, not_same=[("a", "c")])
    assert out == {"a": "a", "b": "a", "c": "c"}
    out = cluster(["a", "b", "c"], [], 0.9, same=[("a", "b"), ("b", "c")])
    assert set(out.values()) == {"a"}
