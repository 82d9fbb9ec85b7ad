"""Text folding shared by the name, company and address normalizers: any script to ASCII, lower case."""

from __future__ import annotations

import re

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[^a-z0-9&]+")


def fold(text: str) -> str:
    """``Сергей O'Brien-Smith`` -> ``sergei obrien smith``: ASCII, lower case, single spaces, no punctuation.

    Apostrophes join (``O'Brien`` is one word); dots join too so ``S.A.`` and ``L.L.C.`` become one token."""
    ascii_text = anyascii(text or "").lower()
    ascii_text = _APOSTROPHES.sub("", ascii_text).replace(".", "")
    return " ".join(_NOT_WORD.sub(" ", ascii_text).split())
