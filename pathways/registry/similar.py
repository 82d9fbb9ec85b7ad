"""Similar-mark search: an in-memory index per process, refreshed when recordations change.

Candidates come from four cheap lookups — the folded form (homoglyphs, spacing, punctuation),
phonetic keys, whole words, and character trigrams counted with numpy — and only those candidates
are scored with RapidFuzz. Every hit carries its reasons in words ("homoglyph", "1 character
edit", "phonetic").

The index holds marks only, never markings: the caller filters the hits through
``store.policy.visible`` like any other read.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.registry.models import INDEX_VERSION_ID, Recordation, RegistryIndexVersion
from pathways.registry.normalize import fold, fold_tokens, phonetic_keys, plain, squeeze, trigrams

TRIGRAM_CANDIDATES = 400  # how many trigram neighbours are scored at most
MIN_SCORE = 80.0  # below this a hit is not shown
IDENTICAL_ONCE_FOLDED = 97.0  # identical, spacing and punctuation, homoglyph
FOLDED_NEIGHBOUR = 88.0  # with an identical-once-folded hit, others must score this (about one edit)
RELATIVE_WINDOW = 10.0  # otherwise hits this far below the best are dropped


@dataclass(frozen=True)
class Entry:
    id: str
    mark: str
    folded: str
    squeezed: str
    plain: str
    tokens: tuple[str, ...]
    phonetic: frozenset[str]
    grams: frozenset[str]

    @classmethod
    def of(cls, id_: str, mark: str) -> Entry:
        folded = fold(mark)
        return cls(id_, mark, folded, squeeze(mark), plain(mark), tuple(fold_tokens(mark)),
                   frozenset(phonetic_keys(mark)), frozenset(trigrams(folded)) if folded else frozenset())


@dataclass(frozen=True)
class Hit:
    id: str
    mark: str
    score: float
    reasons: tuple[str, ...]


def edit_budget(length: int) -> int:
    """How many character edits (a swap of neighbours counts as one) still make two marks confusable.

    ``length`` is the longer folded form's: one edit up to 7 letters, two up to 14, three beyond.
    """
    if length <= 3:
        return 0
    return 1 if length <= 7 else 2 if length <= 14 else 3


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def compare(query: Entry, entry: Entry) -> Hit | None:
    """Whether ``entry`` is identical or confusingly similar to ``query``, how much, and why."""
    if not query.folded or not entry.folded:
        return None
    if query.folded == entry.folded:
        if query.plain == entry.plain:
            return Hit(entry.id, entry.mark, 100.0, ("identical",))
        if query.squeezed == entry.squeezed:
            return Hit(entry.id, entry.mark, 99.0, ("spacing and punctuation",))
        reasons = ["homoglyph"]
        if query.plain.replace(" ", "") != query.plain and len(query.tokens) != len(entry.tokens):
            reasons.append("spacing and punctuation")
        return Hit(entry.id, entry.mark, 97.0, tuple(reasons))
    shorter = min(len(query.folded), len(entry.folded))
    budget = edit_budget(max(len(query.folded), len(entry.folded))) if shorter >= 4 else 0
    distance = OSA.distance(query.folded, entry.folded, score_cutoff=budget + 1)
    ratio = fuzz.ratio(query.folded, entry.folded)
    shared = query.phonetic & entry.phonetic
    sounds_alike = shorter >= 4 and any(len(k) >= 3 for k in shared)
    found: list[str] = []
    score = 0.0
    if distance <= budget:
        found.append(_plural(distance, "character edit"))
        # One edit scores about 90, two about 85, three about 80; a closer overall spelling adds a little.
        score = min(max(95.0 - 5.0 * distance + (ratio - 85.0) / 5.0, 80.0), 95.0)
    if sounds_alike and ratio >= 65:
        found.append("phonetic")
        score = max(score, min(84.0 + (ratio - 65.0) / 4, 94.0))
    if not found and ratio >= 88:
        found.append("similar spelling")
        score = ratio
    if not found and len(query.folded) >= 5 and _contains_words(entry.tokens, query.tokens):
        found.append("contains the mark")
        score = 82.0
    if not found or score < MIN_SCORE:
        return None
    if query.squeezed != entry.squeezed and fold(query.squeezed) != query.squeezed and found[0] != "phonetic":
        # The query itself used look-alike characters ("V3LTRANO") and still needed edits.
        found.append("homoglyph")
    # Prefer a mark that also sounds alike when edits tie.
    bonus = 1.0 if "phonetic" in found and len(found) > 1 else 0.0
    return Hit(entry.id, entry.mark, min(score + bonus, 96.0), tuple(found))


def trim(hits: list[Hit]) -> list[Hit]:
    """Keep what stands comparison with the best hit (sorted best first).

    When the query is a recorded mark in disguise (identical once folded), only marks one edit or
    so away are still worth an officer's look; otherwise hits well below the best are noise.
    """
    if not hits:
        return hits
    best = hits[0].score
    floor = FOLDED_NEIGHBOUR if best >= IDENTICAL_ONCE_FOLDED else best - RELATIVE_WINDOW
    return [h for h in hits if h.score >= floor]


def _contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and len(haystack) > n and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


class MarkIndex:
    """The searchable marks of one process, rebuilt in place from the database when they change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version: int | None = None
        self.stamps: dict[str, datetime] = {}
        self.entries: list[Entry | None] = []
        self.slot_of: dict[str, int] = {}
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.sounds: dict[str, list[int]] = defaultdict(list)
        self.words: dict[str, list[int]] = defaultdict(list)
        self.grams: dict[str, np.ndarray] = {}
        self.fresh_grams: dict[str, list[int]] = defaultdict(list)  # slots added since the arrays were built

    # building ---------------------------------------------------------------------------------

    def _add(self, entry: Entry) -> int:
        old = self.slot_of.get(entry.id)
        if old is not None:
            self.entries[old] = None
        slot = len(self.entries)
        self.entries.append(entry)
        self.slot_of[entry.id] = slot
        self.exact[entry.folded].append(slot)
        for key in entry.phonetic:
            self.sounds[key].append(slot)
        for word in set(entry.tokens):
            self.words[word].append(slot)
        return slot

    def _pack_grams(self) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for slot, entry in enumerate(self.entries):
            if entry is not None:
                for gram in entry.grams:
                    postings[gram].append(slot)
        self.grams = {g: np.fromiter(s, dtype=np.int32, count=len(s)) for g, s in postings.items()}
        self.fresh_grams.clear()

    def load(self, marks: list[tuple[str, str]]) -> None:
        """Replace the whole index with (id, mark) pairs."""
        self.entries, self.slot_of = [], {}
        self.exact, self.sounds, self.words = defaultdict(list), defaultdict(list), defaultdict(list)
        for id_, mark in marks:
            self._add(Entry.of(id_, mark))
        self._pack_grams()

    def upsert(self, marks: list[tuple[str, str]]) -> None:
        for id_, mark in marks:
            slot = self._add(Entry.of(id_, mark))
            for gram in self.entries[slot].grams:  # type: ignore[union-attr]
                self.fresh_grams[gram].append(slot)
        if len(self.fresh_grams) and sum(map(len, self.fresh_grams.values())) > 20_000:
            self._pack_grams()

    def __len__(self) -> int:
        return len(self.slot_of)

    # refreshing from the database -------------------------------------------------------------

    def refresh(self, session: Session) -> None:
        """Catch up with the database if any recordation changed since the index last looked."""
        version = session.execute(
            select(RegistryIndexVersion.version).where(RegistryIndexVersion.id == INDEX_VERSION_ID)
        ).scalar_one_or_none() or 0
        if version == self.version:
            return
        with self._lock:
            if version == self.version:
                return
            stamps = dict(session.execute(select(Recordation.id, Recordation.updated_at)).all())
            changed = [i for i, at in stamps.items() if self.stamps.get(i) != at]
            gone = set(self.stamps) - set(stamps)
            if self.version is None or gone or len(changed) > max(5_000, len(stamps) // 4):
                rows = session.execute(select(Recordation.id, Recordation.mark)).all()
                self.load(list(rows))
            elif changed:
                rows = session.execute(
                    select(Recordation.id, Recordation.mark).where(Recordation.id.in_(changed))
                ).all()
                self.upsert(list(rows))
            self.stamps = stamps
            self.version = version

    # searching --------------------------------------------------------------------------------

    def _gram_candidates(self, query: Entry) -> list[int]:
        arrays = [self.grams[g] for g in query.grams if g in self.grams]
        fresh = [s for g in query.grams for s in self.fresh_grams.get(g, ())]
        if fresh:
            arrays.append(np.asarray(fresh, dtype=np.int32))
        if not arrays or not self.entries:
            return []
        counts = np.bincount(np.concatenate(arrays), minlength=len(self.entries))
        # An edit touches at most three trigrams (a swap four); keep marks that share enough of the query's.
        need = max(2, len(query.grams) - 4 * edit_budget(len(query.folded) + 3))
        found = np.flatnonzero(counts >= need)
        if len(found) > TRIGRAM_CANDIDATES:
            found = found[np.argpartition(-counts[found], TRIGRAM_CANDIDATES)[:TRIGRAM_CANDIDATES]]
        return found.tolist()  # type: ignore[no-any-return]

    def candidates(self, query: Entry) -> set[int]:
        slots: set[int] = set(self.exact.get(query.folded, ()))
        for key in query.phonetic:
            slots.update(self.sounds.get(key, ())[:2000])
        if len(query.folded) >= 5 and query.tokens:
            rarest = min(query.tokens, key=lambda w: len(self.words.get(w, ())))
            slots.update(self.words.get(rarest, ())[:2000])
        slots.update(self._gram_candidates(query))
        return slots

    def search(self, text: str, limit: int | None = None) -> list[Hit]:
        """Every indexed mark identical or confusingly similar to ``text``, best first."""
        query = Entry.of("", text)
        if not query.folded:
            return []
        hits = []
        for slot in self.candidates(query):
            entry = self.entries[slot]
            if entry is None:
                continue
            hit = compare(query, entry)
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.mark, h.id))
        hits = trim(hits)
        return hits[:limit] if limit else hits


_INDEXES: dict[str, MarkIndex] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(session: Session) -> MarkIndex:
    """The process's index for the session's database, caught up with it."""
    bind: Any = session.get_bind()
    key = str(bind.url)
    with _INDEXES_LOCK:
        index = _INDEXES.setdefault(key, MarkIndex())
    index.refresh(session)
    return index
