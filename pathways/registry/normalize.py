"""Folding marks to the form a shopper's eye sees: case, spacing, punctuation and look-alike characters gone.

``fold("V3LTRANO")``, ``fold("Veltrano")``, ``fold("VЕLTRАNO")`` (Cyrillic Е and А) and
``fold("vel-trano")`` are all ``"VELTRANO"``. The folded form is the key of the exact map in the
similar-mark index; ``fold_tokens`` keeps the word breaks for phonetic keys.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish
from anyascii import anyascii

# Letters from other scripts that look like Latin capitals (Unicode's confusables, the common subset).
# Transliteration would read Cyrillic В as V and Р as R; the eye reads them as B and P.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals and small letters
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ї": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Һ": "H", "Ь": "B", "З": "3", "Ч": "4", "Г": "R", "Л": "N", "П": "N", "Д": "A",
    "а": "A", "в": "B", "е": "E", "ё": "E", "к": "K", "м": "M", "н": "H", "о": "O", "р": "P",
    "с": "C", "т": "T", "у": "Y", "х": "X", "ѕ": "S", "і": "I", "ї": "I", "ј": "J", "ԛ": "Q",
    "ԝ": "W", "һ": "H", "ь": "B", "п": "N", "г": "R", "л": "N", "д": "A",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "A", "β": "B", "ε": "E", "ι": "I",
    "κ": "K", "ν": "V", "ο": "O", "ρ": "P", "τ": "T", "υ": "U", "χ": "X", "ω": "W",
    # Latin look-alikes outside ASCII that transliteration would spell out
    "ı": "I", "ȷ": "J", "ℓ": "L", "Ɩ": "I", "ǀ": "I", "Ø": "O", "ø": "O", "Ð": "D", "Đ": "D",
    "ß": "B", "Þ": "P", "Ŀ": "L", "ŀ": "L", "Ł": "L", "ł": "L", "Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE",
}

# Digits that stand in for letters ("V3LTRANO", "L0G0").
LEET: dict[str, str] = {
    "0": "O", "1": "I", "2": "Z", "3": "E", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B", "9": "G",
}
# Symbols that stand in for letters, but only before a letter or digit ("$ENTRA", "B!G"), so that
# "KNIGHTS!" keeps its exclamation mark as punctuation.
SYMBOLS: dict[str, str] = {"@": "A", "$": "S", "!": "I", "|": "I", "€": "E", "£": "L", "¢": "C", "+": "T"}
_SYMBOL_BEFORE_WORD = re.compile("[" + re.escape("".join(SYMBOLS)) + r"](?=[^\W_])")

_TRANSLATE = str.maketrans({**HOMOGLYPHS, **LEET})
_NON_ALPHA = re.compile(r"[^A-Z]+")
_SPACES = re.compile(r"\s+")


def _ascii_upper(text: str) -> str:
    # NFKC first: full-width letters, ligatures and mathematical alphanumerics become plain ones.
    text = unicodedata.normalize("NFKC", text)
    text = _SYMBOL_BEFORE_WORD.sub(lambda m: SYMBOLS[m.group(0)], text).translate(_TRANSLATE)
    if not text.isascii():
        text = anyascii(text)
    # A second pass: transliteration can itself produce digits or symbols ("½" -> "1/2").
    return text.upper().translate(_TRANSLATE).upper()


def fold_tokens(text: str) -> list[str]:
    """The words of a mark in folded form: A-Z only, look-alikes mapped, punctuation dropped."""
    return [t for t in _NON_ALPHA.split(_ascii_upper(text)) if t]


def fold(text: str) -> str:
    """The whole mark folded and joined: spacing and punctuation no longer matter."""
    return "".join(fold_tokens(text))


def plain(text: str) -> str:
    """Upper case with single spaces: how two marks compare when nothing is folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().upper()


def squeeze(text: str) -> str:
    """Upper-case letters and digits only: equal squeezed forms differ only in spacing and punctuation."""
    return "".join(ch for ch in plain(text) if ch.isalnum())


# Spellings that sound the same, written one way before Metaphone sees them ("QUICK" = "KWIK").
_SOUND_SPELLINGS = [
    (re.compile(r"QU"), "KW"), (re.compile(r"CK"), "K"), (re.compile(r"PH"), "F"), (re.compile(r"X"), "KS"),
    (re.compile(r"C(?=[AOUKLRT]|$)"), "K"), (re.compile(r"Z"), "S"), (re.compile(r"(?<=.)Y"), "I"),
    (re.compile(r"([A-Z])\1+"), r"\1"),
]


def sound_spelling(token: str) -> str:
    for pattern, repl in _SOUND_SPELLINGS:
        token = pattern.sub(repl, token)
    return token


def phonetic_keys(text: str) -> set[str]:
    """Sound-alike keys: Metaphone of the words, and of the whole mark run together."""
    tokens = [sound_spelling(t) for t in fold_tokens(text)]
    if not tokens:
        return set()
    keys = {" ".join(jellyfish.metaphone(t) for t in tokens), jellyfish.metaphone("".join(tokens))}
    return {k.replace(" ", "") for k in keys if k.strip()}


def trigrams(folded: str) -> set[str]:
    """Character trigrams of a folded mark, padded so short marks and word ends still count."""
    padded = f"##{folded}#"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
