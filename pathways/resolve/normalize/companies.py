"""Company names: legal forms in many languages removed, trade abbreviations spelled out, one spelling.

``Shenzhen Hua Xin Trdg Co., Ltd.``, ``SHENZHEN HUA XIN TRADING COMPANY LIMITED`` and ``ООО ...`` written in
Cyrillic fold to the same words. The legal forms are cleanco's list (terms in many languages), applied at
the end and, for forms written first (``OOO``, ``PT``), at the start.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import jellyfish
from cleanco import prepare_default_terms

from pathways.resolve.normalize.folding import fold

_PHRASES = (
    (re.compile(r"\bi\s*/\s*e\b"), " import export "),
    (re.compile(r"\bimp(?:ort)?\.?\s*(?:&|and)\s*exp(?:ort)?\b\.?"), " import export "),
    (re.compile(r"\bco\.?,?\s*(?:ltd|limited)\b\.?"), " co ltd "),
)
_WORDS = {
    "trdg": "trading", "trade": "trading", "tradg": "trading", "intl": "international", "int'l": "international",
    "tech": "technology", "techn": "technology", "elec": "electronic", "electronics": "electronic",
    "prods": "products", "prod": "products", "logistic": "logistics", "garments": "garment",
    "supplychain": "supply chain", "mfg": "manufacturing", "mfr": "manufacturing", "mfrs": "manufacturing",
    "bros": "brothers", "dist": "distribution", "distr": "distribution", "grp": "group", "svcs": "services",
    "svc": "services", "treyd": "trading", "treid": "trading",
    "ind": "industrial", "indus": "industrial", "imp": "import", "exp": "export",
    "&": "and",
}
_TYPO_PRONE_FORMS = ("ltd", "llc", "inc", "corp", "gmbh", "limited", "company", "corporation", "incorporated")
# Words that say "this is a business" even when no legal form is written.
_BUSINESS_WORDS = frozenset({
    "trading", "import", "export", "logistics", "freight", "shipping", "cargo", "forwarding", "express",
    "holdings", "group", "enterprises", "industries", "industrial", "manufacturing", "technology",
    "electronic", "garment", "products", "supply", "distribution", "wholesale", "imports", "goods",
    "merchandise", "retail", "sourcing", "outlet", "commerce", "brands", "services", "international",
    "cosmetics", "watch", "leather", "factory", "store", "shop", "company", "corporation", "firm",
})


@cache
def _legal_forms() -> tuple[frozenset[tuple[str, ...]], int]:
    terms = {tuple(fold(" ".join(words)).split()) for _, words in prepare_default_terms()}
    terms |= {("co",), ("company",), ("ltd",), ("limited",), ("sti",), ("ltd", "sti"), ("kk",), ("pvt",),
              ("co", "ltd"), ("co", "limited"), ("corp",), ("inc",), ("plc",), ("sa", "de", "cv")}
    terms.discard(())
    return frozenset(terms), max(len(t) for t in terms)


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], bool]:
    forms, longest = _legal_forms()
    found = False
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for n in range(min(longest, len(tokens) - 1), 0, -1):
            if tuple(tokens[-n:]) in forms:
                tokens, changed, found = tokens[:-n], True, True
                break
            if tuple(tokens[:n]) in forms and n == 1 and tokens[0] in ("ooo", "zao", "oao", "pao", "pt", "tov"):
                tokens, changed, found = tokens[n:], True, True
                break
        if not changed and len(tokens) > 2 and _misspelt_form(tokens[-1]):
            tokens, changed, found = tokens[:-1], True, True
    return tokens, found


def _misspelt_form(token: str) -> bool:
    """``Ltf``, ``Ldt``, ``Limted``: a common legal form with one letter wrong, swapped or missing."""
    return any(abs(len(token) - len(form)) <= 1 and jellyfish.damerau_levenshtein_distance(token, form) == 1
               for form in _TYPO_PRONE_FORMS)


def _tokens(text: str) -> list[str]:
    low = (text or "").lower()
    for pattern, repl in _PHRASES:
        low = pattern.sub(repl, low)
    out: list[str] = []
    for token in fold(low).split():
        out.extend(_WORDS.get(token, token).split())
    return out


@lru_cache(maxsize=500_000)
def _analyse(text: str) -> tuple[str, bool]:
    tokens, has_form = _strip_legal_forms(_tokens(text))
    return " ".join(tokens), has_form


def normalize_company_name(text: str) -> str | None:
    """``Hua Xin Trdg Co., Ltd.`` -> ``hua xin trading``; ``None`` when nothing is left."""
    name, _ = _analyse(text)
    return name or None


def company_key(text: str) -> str | None:
    """The normalized name without spaces, so ``Hua Xin`` and ``Huaxin`` meet (exact-match blocking)."""
    name = normalize_company_name(text)
    return name.replace(" ", "") if name else None


def looks_like_company(text: str) -> bool:
    """A legal form (``Ltd``, ``GmbH``, ``OOO``) or a business word (``Trading``, ``Logistics``) is written."""
    name, has_form = _analyse(text)
    return has_form or any(word in _BUSINESS_WORDS for word in name.split())
