"""One fast multi-pattern matcher compiled from the active recordations.

A description is folded with the registry's normalizer (Unicode compatibility forms, case,
look-alike letters, leetspeak digits and symbols), runs of single letters are joined back
("V E L T R A N O", "N-I-K-O"), and the words are searched at once with an Aho-Corasick automaton
whose patterns are bounded by spaces, so a mark inside another word is never a hit. Typos are found
with a symmetric-deletion index over the folded marks and confirmed by the OSA edit distance,
within a budget that grows with the mark's length. Results are cached per word.
"""

from __future__ import annotations

import functools
import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz.distance import OSA

from pathways.registry.normalize import fold_tokens

EXACT, DISGUISED, TYPO = "exact", "disguised", "typo"
KIND_RANK = {EXACT: 0, DISGUISED: 1, TYPO: 2}

IMITATION = re.compile(
    r"(?<![\w])(replica|1:1|aaa|mirror quality|dupe|inspired by|top grade copy|high copy|super fake|"
    r"same as original|oem quality|knock-?off|fake)(?![\w])", re.IGNORECASE)
COMPATIBILITY = re.compile(r"(?<![\w])(case for|compatible with|fits?|for|replacement|unbranded)(?![\w])",
                           re.IGNORECASE)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while many long-lived objects are made at once (nothing they
    make is a cycle to collect; the collector would only walk them again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def dictionary() -> frozenset[str]:
    """English words (GCIDE, from the offline ``english-words`` package), upper case.

    A description word that is an ordinary word ("SERUM", "ROLLS") is never read as a misspelled
    mark ("BERUM", "ROLIS"); a mark written exactly still matches whatever it is."""
    from english_words import get_english_words_set

    return frozenset(w.upper() for w in get_english_words_set(["gcide"], lower=True, alpha=True))


def is_word(token: str) -> bool:
    words_ = dictionary()
    return token in words_ or (token.endswith("S") and (token[:-1] in words_ or (
        token.endswith("ES") and token[:-2] in words_)))


def typo_budget(length: int) -> int:
    """Edits allowed for a mark of this many letters: none up to 4, one up to 11, two beyond.

    Tighter than the registry's similar-mark search: a manifest says "silver ring" millions of times,
    and two edits would make it SILVER RIDGE."""
    return 0 if length <= 4 else 1 if length <= 11 else 2


@dataclass(frozen=True)
class MarkSpec:
    """What the matcher needs of one recordation (picklable, for worker processes and Spark)."""

    index: int
    record_number: str
    registration_number: str
    mark: str


# what a word may misspell: ((mark index, edits), ...), ((word of a multi-word mark, edits), ...)
WordHits = tuple[tuple[tuple[int, int], ...], tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class MarkHit:
    index: int
    kind: str  # exact | disguised | typo
    distance: int
    shown: str  # the words of the description that matched, folded


@dataclass
class Match:
    hits: list[MarkHit] = field(default_factory=list)
    imitation: list[str] = field(default_factory=list)
    compatibility: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    """Folded words. A written word of single letters joined by punctuation ("N-I-K-O") is one word,
    and so is a run of three or more single letters set apart by spaces ("V E L T R A N O")."""
    out: list[str] = []
    run: list[str] = []
    for written in text.split():
        subs = _FOLDED.get(written)
        if subs is None:
            subs = _fold_word(written)
        if not subs:  # bare punctuation does not break a run of letters
            continue
        if len(subs) == 1 and len(subs[0]) == 1 and subs[0] != "#":  # a single letter: maybe part of a run
            run.append(subs[0])
            continue
        if run:
            out.extend(["".join(run)] if len(run) >= 3 else run)
            run = []
        out.extend(subs)
    if run:
        out.extend(["".join(run)] if len(run) >= 3 else run)
    return out


_NOT_WORD = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    """Upper case, punctuation to single spaces: how "as recorded" is told from "disguised"."""
    return _NOT_WORD.sub(" ", text.upper()).strip()


# written word -> its folded words: [] for bare punctuation, ["#"] for a style number or a quantity
# (never a disguised word), one word for letters joined by punctuation
_FOLDED: dict[str, list[str]] = {}


def _fold_word(written: str) -> list[str]:
    if len(_FOLDED) > 200_000:
        _FOLDED.clear()
    if not any(ch.isalpha() for ch in written):
        subs = ["#"] if written.strip(".,;:()[]-/") else []
    else:
        subs = fold_tokens(written)
        if len(subs) >= 2 and all(len(x) == 1 for x in subs):
            subs = ["".join(subs)]
    _FOLDED[written] = subs
    return subs


_ONE_BESIDE_LETTER = re.compile(r"(?<=[^\W\d_])[1|]|[1|](?=[^\W\d_])")


def deletions(word: str, depth: int) -> set[str]:
    """The word and every string made by deleting up to ``depth`` of its letters (never all)."""
    out, frontier = {word}, {word}
    for _ in range(min(depth, len(word) - 1)):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _word_budget(length: int) -> int:
    """Edits allowed in one word of a multi-word mark: at least one from four letters on."""
    return max(typo_budget(length), 1 if length >= 4 else 0)


class MarkMatcher:
    """Compile once, match many: ``MarkMatcher(specs).match(description)``."""

    def __init__(self, specs: Iterable[MarkSpec], vocabulary: Iterable[str] = ()) -> None:
        """``vocabulary``: words that name goods (the recorded products and classes); like English
        words, they are never read as misspelled marks ("PARFUM" is not PARNUM)."""
        # the indexes are a million small lists: the cyclic collector would walk them again and
        # again while they grow (three times the build's own work)
        with gc_paused():
            self._compile(list(specs), frozenset(vocabulary))
        self._word_cache: dict[str, WordHits] = {}

    def _compile(self, specs: list[MarkSpec], vocabulary: frozenset[str]) -> None:
        self.specs = specs
        self.vocabulary = vocabulary
        self.automaton = ahocorasick.Automaton()
        self.folded: dict[int, str] = {}
        deletes: defaultdict[str, list[int]] = defaultdict(list)
        keys: dict[str, list[int]] = {}
        self.plain_marks: dict[int, str] = {}
        # multi-word marks by each of their words, the word's place and the mark's length, then the mark's
        # other words: a word common to hundreds of marks ("INTERNATIONAL") costs one look-up per place
        self.beside: dict[str, dict[tuple[int, int], dict[tuple[str, ...], list[int]]]] = {}
        for spec in self.specs:
            self.plain_marks[spec.index] = " " + _plain(spec.mark) + " "
            toks = words(spec.mark)
            if not toks:
                continue
            joined = "".join(toks)
            self.folded[spec.index] = joined
            for key in {" " + " ".join(toks) + " ", " " + joined + " "}:
                keys.setdefault(key, []).append(spec.index)
            budget = typo_budget(len(joined))
            if budget:
                for variant in deletions(joined, budget):
                    deletes[variant].append(spec.index)
            if len(toks) >= 2:
                for k, w in enumerate(toks):
                    self.beside.setdefault(w, {}).setdefault((k, len(toks)), {}).setdefault(
                        (*toks[:k], *toks[k + 1 :]), []).append(spec.index)
        self.deletes = dict(deletes)
        for key, idx in keys.items():
            self.automaton.add_word(key, (len(key), tuple(idx)))
        if keys:
            self.automaton.make_automaton()
        self.exact_words = {k.strip() for k in keys if " " not in k.strip()}
        # a deletion index over the words of multi-word marks: a misspelled word finds its marks
        word_deletes: defaultdict[str, list[str]] = defaultdict(list)
        for w in self.beside:
            budget = _word_budget(len(w))
            if budget:
                for variant in deletions(w, budget):
                    word_deletes[variant].append(w)
        self.word_deletes = dict(word_deletes)

    def __len__(self) -> int:
        return len(self.folded)

    def _word_hits(self, word: str) -> WordHits:
        """What one description word may misspell: whole marks (index, edits) and words of multi-word
        marks (word, edits). Worked out once a word, from one set of deletions."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        plain = len(word) < 3 or word in self.vocabulary or is_word(word)
        mark_depth = 0 if plain or len(word) < 4 or word in self.exact_words else typo_budget(len(word) + 1)
        part_depth = 0 if plain else _word_budget(len(word) + 2)
        variants = deletions(word, max(mark_depth, part_depth)) if mark_depth or part_depth else set()
        marks: dict[int, int] = {}
        parts: dict[str, int] = {}
        for variant in variants:
            dropped = len(word) - len(variant)
            if dropped <= mark_depth:
                for idx in self.deletes.get(variant, ()):
                    if idx not in marks:
                        target = self.folded[idx]
                        allowed = typo_budget(len(target))
                        if allowed and abs(len(target) - len(word)) <= allowed:
                            d = OSA.distance(word, target, score_cutoff=allowed)
                            if 0 < d <= allowed:
                                marks[idx] = d
            if dropped <= part_depth:
                for part in self.word_deletes.get(variant, ()):
                    if part not in parts:
                        allowed = _word_budget(len(part))
                        if abs(len(part) - len(word)) <= allowed:
                            d = OSA.distance(word, part, score_cutoff=allowed)
                            if 0 < d <= allowed:
                                parts[part] = d
        result = (tuple(sorted(marks.items())), tuple(sorted(parts.items())))
        if len(self._word_cache) > 500_000:
            self._word_cache.clear()
        self._word_cache[word] = result
        return result

    def match(self, description: str | None) -> Match:
        out = Match()
        if not description or not self.folded:
            return out
        best: dict[int, MarkHit] = {}
        self._scan(description, description, best)
        if "1" in description or "|" in description:  # the digit one stands for I or for L
            variant = description
            for _ in range(3):  # "WI110W": each pass turns the ones next to a letter
                variant = _ONE_BESIDE_LETTER.sub("L", variant)
            if variant != description:
                self._scan(variant, description, best)
        out.hits = sorted(best.values(), key=lambda h: (KIND_RANK[h.kind], h.distance, h.index))
        if out.hits:
            out.imitation = sorted({m.group(1).lower() for m in IMITATION.finditer(description)})
            out.compatibility = sorted({m.group(1).lower() for m in COMPATIBILITY.finditer(description)})
        return out

    def _scan(self, variant: str, description: str, best: dict[int, MarkHit]) -> None:
        toks = words(variant)
        if not toks:
            return
        text = " " + " ".join(toks) + " "
        covered: set[int] = set()  # positions of words that are a mark as written
        spans = [(end - length + 1, end, idx) for end, (length, idx) in self.automaton.iter(text)]
        if spans:
            raw = " " + _plain(description) + " "
            for start, end, idx in spans:
                # a mark inside a longer mark found at the same place ("GRONELLA" in "LUNAR GRONELLA") is
                # that longer mark, not a hit of its own
                if any(s0 <= start and end <= e0 and (s0, e0) != (start, end) for s0, e0, _ in spans):
                    continue
                shown = text[start + 1 : end]
                start_word = text[:start].count(" ")
                covered.update(range(start_word, start_word + shown.count(" ") + 1))
                for i in idx:
                    kind = EXACT if self.plain_marks[i] in raw else DISGUISED
                    self._keep(best, MarkHit(i, kind, 0, shown))
        cache = self._word_cache
        found = [cache.get(w) or self._word_hits(w) for w in toks]
        for pos, (word, (whole, _)) in enumerate(zip(toks, found, strict=True)):
            if pos not in covered:
                for i, d in whole:
                    self._keep(best, MarkHit(i, TYPO, d, word))
        # a multi-word mark with one word misspelled ("NORTHERN KNIGTHS"): the misspelled word names the
        # marks it may belong to; the window of the mark's length must match them in every other word
        for pos, (_, parts) in enumerate(found):
            for part, d in parts:
                for (k, length), marks in self.beside[part].items():
                    start = pos - k
                    if start < 0 or start + length > len(toks) or start in covered:
                        continue
                    window = toks[start : start + length]
                    for i in marks.get((*window[:k], *window[k + 1 :]), ()):
                        self._keep(best, MarkHit(i, TYPO, d, " ".join(window)))

    def specs_by_index(self, index: int) -> MarkSpec:
        if not hasattr(self, "_by_index"):
            self._by_index = {s.index: s for s in self.specs}
        return self._by_index[index]

    @staticmethod
    def _keep(best: dict[int, MarkHit], hit: MarkHit) -> None:
        old = best.get(hit.index)
        if old is None or (KIND_RANK[hit.kind], hit.distance) < (KIND_RANK[old.kind], old.distance):
            best[hit.index] = hit
