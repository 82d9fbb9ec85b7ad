"""The matcher finds a mark however it is disguised, and only as a whole word."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathways.screening.matcher import (
    DISGUISED,
    EXACT,
    TYPO,
    MarkMatcher,
    MarkSpec,
    deletions,
    typo_budget,
    words,
)

MATCHER = MarkMatcher([MarkSpec(0, "TMK 26-00001", "R1", "VELTRANO"), MarkSpec(1, "TMK 26-00002", "R2",
                       "NORTHERN KNIGHTS"), MarkSpec(2, "TMK 26-00003", "R3", "ERRAC"),
                       MarkSpec(3, "TMK 26-00004", "R4", "NIKO"), MarkSpec(4, "TMK 26-00005", "R5", "VELTRANA"),
                       MarkSpec(5, "TMK 26-00006", "R6", "LUNAR WILLOW")])


def kinds(description: str) -> dict[int, str]:
    return {h.index: h.kind for h in MATCHER.match(description).hits}


@pytest.mark.parametrize(("description", "kind"), [
    ("VELTRANO leather handbag", EXACT),
    ("Veltrano leather handbag", EXACT),
    ("veltrano leather handbag", EXACT),
    ("V3LTR4NO wallet", DISGUISED),  # leetspeak
    ("VЕLTRАNO wallet", DISGUISED),  # Cyrillic Е and А
    ("ＶＥＬＴＲＡＮＯ wallet", DISGUISED),  # full-width letters
    ("V E L T R A N O wallet", DISGUISED),  # spaced
    ("V-E-L-T-R-A-N-O wallet", DISGUISED),  # punctuated
    ("VELTRNAO wallet", TYPO),  # transposed
    ("VELTRANNO wallet", TYPO),  # doubled
])
def test_every_disguise_of_a_mark_is_found(description: str, kind: str) -> None:
    assert kinds(description) == {0: kind}


def test_a_mark_inside_another_word_is_not_a_hit() -> None:
    assert kinds("terracotta planters, set of 3") == {}
    assert kinds("ERRAC planters") == {2: EXACT}


def test_multi_word_marks_and_the_digit_one_for_l() -> None:
    assert kinds("NORTHERN KNIGHTS cap") == {1: EXACT}
    assert kinds("NORTHERN KNIGTHS cap") == {1: TYPO}
    assert kinds("baseball cap 1UNAR WI110W style") == {5: DISGUISED}
    assert kinds("N-I-K-O shoes") == {3: DISGUISED}


def test_an_exact_look_alike_mark_is_not_also_a_typo_of_its_neighbour() -> None:
    assert kinds("VELTRANA handbag") == {4: EXACT}


def test_context_cues() -> None:
    m = MATCHER.match("1:1 VELTRANO bag AAA quality")
    assert m.imitation == ["1:1", "aaa"]
    assert MATCHER.match("case for VELTRANO phone").compatibility == ["case for"]
    assert MATCHER.match("plain cotton bag replica").imitation == []  # cues only matter next to a mark


def test_typo_budget_grows_with_length() -> None:
    assert [typo_budget(n) for n in (3, 4, 5, 11, 12, 15)] == [0, 0, 1, 1, 2, 2]
    assert kinds("NIKA shoes") == {}  # four letters: exact only
    assert words("1:1 G R A I L T U M style 1234") == ["#", "GRAILTUM", "STYLE", "#"]


@given(st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=9), st.integers(min_value=0, max_value=2))
def test_deletions_are_every_way_to_drop_up_to_the_budget(word: str, depth: int) -> None:
    expected = {word} | {"".join(ch for i, ch in enumerate(word) if i not in drop)
                         for k in range(1, min(depth, len(word) - 1) + 1) for drop in combinations(range(len(word)), k)}
    assert deletions(word, depth) == expected


def test_any_one_word_of_a_longer_mark_may_be_misspelled() -> None:
    m = MarkMatcher([MarkSpec(0, "TMK 26-00001", "R1", "HOUSE OF QUELAARI BRANDS")])
    assert [(h.kind, h.shown) for h in m.match("HOUSE OF QUELARI BRANDS scarf").hits] == [
        (TYPO, "HOUSE OF QUELARI BRANDS")]
    assert [(h.kind, h.shown) for h in m.match("HOUSE OF QUELAARI BRNADS scarf").hits] == [
        (TYPO, "HOUSE OF QUELAARI BRNADS")]
    assert m.match("HOUSE OF QUELARI BRNADS scarf").hits == []  # two words wrong: not this mark
