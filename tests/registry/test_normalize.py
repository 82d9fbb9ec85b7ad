"""The mark normalizer: idempotent, and look-alike spellings fold to one form."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pathways.registry.normalize import HOMOGLYPHS, LEET, fold, fold_tokens, phonetic_keys

LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# For each Latin capital, the characters that fold to it on their own.
LOOKALIKES = {ch: [k for k, v in {**HOMOGLYPHS, **LEET}.items() if v == ch] + [ch, ch.lower()] for ch in LATIN}


@given(st.text(max_size=60))
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == "" or (once.isascii() and once.isalpha() and once.isupper())


@given(st.text(max_size=60))
def test_fold_tokens_are_idempotent(text: str) -> None:
    tokens = fold_tokens(text)
    assert fold_tokens(" ".join(tokens)) == tokens


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """A Latin mark and the same mark with look-alike characters, case, spacing and punctuation changed."""
    mark = draw(st.text(alphabet=LATIN, min_size=1, max_size=20))
    out = []
    for ch in mark:
        out.append(draw(st.sampled_from(LOOKALIKES[ch])))
        out.append(draw(st.sampled_from(["", "", "", " ", "-", ".", "'"])))
    return mark, "".join(out)


@given(disguised())
def test_homoglyph_folded_forms_are_equal(pair: tuple[str, str]) -> None:
    mark, look_alike = pair
    assert fold(look_alike) == fold(mark) == mark


def test_examples() -> None:
    assert fold("V3LTRANO") == fold("Veltrano") == fold("VЕLTRАNO") == fold("vel-trano") == "VELTRANO"
    assert fold("ＶＥＬＴＲＡＮＯ") == "VELTRANO"  # full-width
    assert fold("Northern  Knights!") == "NORTHERNKNIGHTS"
    assert fold_tokens("Northern  Knights!") == ["NORTHERN", "KNIGHTS"]
    assert fold("Café Noir") == "CAFENOIR"
    assert fold("$ENTRA") == "SENTRA" and fold("B!G DEAL!") == "BIGDEAL"
    assert phonetic_keys("NIGHTS") == phonetic_keys("KNIGHTS")
