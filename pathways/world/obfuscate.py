"""How counterfeit listings disguise a mark, and the hard negatives that merely mention one."""

from __future__ import annotations

import numpy as np

from pathways.world.catalog import COMPAT_TEMPLATES, IMITATION_PHRASES
from pathways.world.rng import pick
from pathways.world.variants import typo

_LATIN_TO_CYRILLIC = {"A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р",
                      "T": "Т", "X": "Х", "Y": "У"}
_DIGIT_HOMOGLYPHS = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"}
_LEET = {"A": "4", "E": "3", "I": "1", "O": "0", "S": "5", "T": "7"}

MARK_CUES = ("exact", "typo", "homoglyph", "cyrillic", "spaced", "leet", "case")
_MARK_CUE_WEIGHTS = np.array([0.30, 0.18, 0.14, 0.10, 0.10, 0.08, 0.10])
_MARK_CUE_CUM = np.cumsum(_MARK_CUE_WEIGHTS / _MARK_CUE_WEIGHTS.sum())


def _replace_some(rng: np.random.Generator, mark: str, table: dict[str, str], at_least: int = 1) -> str:
    spots = [i for i, ch in enumerate(mark) if ch in table]
    if not spots:
        return ""
    k = max(at_least, int(rng.integers(1, len(spots) + 1)))
    chosen = set(rng.permutation(len(spots))[:k].tolist())
    chars = list(mark)
    for j, i in enumerate(spots):
        if j in chosen:
            chars[i] = table[chars[i]]
    return "".join(chars)


def disguise_mark(rng: np.random.Generator, mark: str) -> tuple[str, str]:
    """(text as written on the listing, cue name)."""
    cue = MARK_CUES[int(np.searchsorted(_MARK_CUE_CUM, rng.random(), side="right"))]
    out = ""
    if cue == "typo":
        out = typo(rng, mark)
    elif cue == "homoglyph":
        out = _replace_some(rng, mark, _DIGIT_HOMOGLYPHS)
    elif cue == "cyrillic":
        out = _replace_some(rng, mark, _LATIN_TO_CYRILLIC)
    elif cue == "spaced":
        out = " ".join(mark.replace(" ", ""))
    elif cue == "leet":
        out = _replace_some(rng, mark, _LEET)
    elif cue == "case":
        out = mark.title() if rng.random() < 0.5 else mark.lower()
    if not out or out == mark:
        return mark, "exact"
    return out, cue


def counterfeit_description(rng: np.random.Generator, mark: str, product: str) -> tuple[str, list[str]]:
    """A counterfeit line's description and the cues planted in it."""
    shown, cue = disguise_mark(rng, mark)
    cues = [cue]
    r = rng.random()
    if r < 0.55:
        phrase = pick(rng, IMITATION_PHRASES)
        cues.append("phrase:" + phrase)
        if phrase == "inspired by":
            return f"{product} inspired by {shown}", cues
        form = int(rng.integers(3))
        if form == 0:
            return f"{phrase} {shown} {product}", cues
        if form == 1:
            return f"{shown} {product} {phrase}", cues
        return f"{product} ({shown} {phrase})", cues
    if r < 0.8:
        return f"{shown} {product}", cues
    return f"{product} {shown} style", cues


HOST_HTS: dict[str, str] = {
    "terracotta": "6912.00.4810", "panoramic": "7009.10.0000", "lavender": "3301.29.5100",
    "sandalwood": "3307.41.0000", "porcelain": "6911.10.1000", "cinnamon": "0906.11.0000",
    "magnolia": "6702.90.6500", "caramelized": "2008.19.9090", "sheepskin": "4302.19.6000",
    "titanium": "8108.90.6075", "marbleware": "6802.91.0500", "coriander": "0909.21.0000",
    "velveteen": "5801.35.0010", "linoleum": "5904.10.0000", "peppermint": "1704.90.3550",
    "aluminum": "7607.11.3000", "cashmere": "6117.10.1000", "polyester": "5407.52.2020",
    "mandarin": "2008.30.4200", "tamarind": "2007.99.6500",
}


def compat_description(rng: np.random.Generator, mark: str) -> str:
    return pick(rng, COMPAT_TEMPLATES).format(mark=mark if rng.random() < 0.6 else mark.title())


HOST_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "terracotta": ("terracotta planters, set of 3", "terracotta roof tiles"),
    "panoramic": ("panoramic mirror for trucks", "panoramic wall posters"),
    "lavender": ("lavender essential oil 10ml", "lavender scented candles"),
    "sandalwood": ("sandalwood incense sticks", "sandalwood soap bars"),
    "porcelain": ("porcelain dinner plates", "porcelain tea cups"),
    "cinnamon": ("cinnamon sticks 500g", "cinnamon scented sachets"),
    "magnolia": ("magnolia artificial flowers", "magnolia print fabric"),
    "caramelized": ("caramelized nuts, retail packs", "caramelized onion jars"),
    "sheepskin": ("sheepskin rugs", "sheepskin slippers, unbranded"),
    "titanium": ("titanium screws", "titanium camping mugs"),
    "marbleware": ("marbleware serving bowls",),
    "coriander": ("coriander seeds 1kg", "ground coriander"),
    "velveteen": ("velveteen cushion covers", "velveteen fabric rolls"),
    "linoleum": ("linoleum flooring rolls",),
    "peppermint": ("peppermint candies", "peppermint oil"),
    "aluminum": ("aluminum foil rolls", "aluminum window frames"),
    "cashmere": ("cashmere scarves, unbranded", "cashmere blend yarn"),
    "polyester": ("polyester fabric rolls", "polyester thread spools"),
    "mandarin": ("mandarin oranges, canned", "mandarin collar shirts"),
    "tamarind": ("tamarind paste jars", "tamarind candy"),
}
