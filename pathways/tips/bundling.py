"""The bulk importer's bundling in memory: which bundle each tip joins, which bundles merge, which
dedup keys need a row in the database.

Tips of the file are looked up in an in-memory key index (most recent first); tips stored before the
import come in as candidates the importer read from the database. A tip that matches members of
several bundles joins them into one (the survivor keeps its referral). Tips older than the dedup
window behind the newest one can match nothing any more and are dropped from memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pathways.tips import dedup
from pathways.tips.routing import HQ
from pathways.tips.staging import Staged

# A key already has a row for this bundle this recent: the new tip adds nothing to the index by
# writing it again (a viral post's thousand copies share their band keys).
KEY_REFRESH = timedelta(days=7)
PRUNE_EVERY = 100_000  # tips between clean-ups of the in-memory index


@dataclass
class BundleState:
    id: str
    number: str
    category: Counter[str]
    count: int
    first: datetime
    last: datetime
    office: str
    base: tuple[tuple[int, str], ...]  # the strongest member's priority reasons (points, words)
    base_score: int
    new: bool  # created by this import
    progressed: bool = False  # its referral was acted on (accepted, declined, re-routed, disposed)
    pinned: bool = False  # a supervisor split it: never merged automatically
    written: bool = False
    merged_into: str | None = None
    sent_at: datetime | None = None  # when this import sent its referral
    absorbed: list[BundleState] = field(default_factory=list)  # written bundles merged into this one

    def rank(self) -> tuple[bool, int, float]:
        """Which bundle survives a merge: one whose referral an office already works, else the
        larger, else the older."""
        return self.progressed, self.count, -self.first.timestamp()


@dataclass(frozen=True)
class Placement:
    bundle: str
    reason: str
    keys: list[str]  # the tip's keys that need a row in tip_keys
    merged: list[BundleState]  # bundles (already written) this tip joined into its own
    created: bool  # the tip started a new bundle


BundleLoader = Callable[[str], BundleState]


class Bundler:
    def __init__(self, load: BundleLoader) -> None:
        self.load = load
        self.index = dedup.KeyIndex()
        # import number -> (the bundle it was placed in, the number, its features): a candidate as
        # ``matching_bundles`` takes it, made once
        self.tips: dict[int, tuple[str, int, dedup.DedupFeatures]] = {}
        self.into: dict[str, str] = {}  # merged bundle -> the bundle it went into
        self.states: dict[str, BundleState] = {}
        self.n = self.pruned_at = 0
        self.newest: datetime | None = None
        self.created = self.joined = self.merges = 0

    def bundle(self, bundle_id: str) -> str:
        """A bundle after every merge so far."""
        root = bundle_id
        while root in self.into:
            root = self.into[root]
        while bundle_id != root:  # shorten the path for next time
            self.into[bundle_id], bundle_id = root, self.into[bundle_id]
        return root

    def state(self, bundle_id: str) -> BundleState:
        found = self.states.get(bundle_id)
        if found is None:
            found = self.states[bundle_id] = self.load(bundle_id)
        return found

    def _candidates(self, keys: tuple[str, ...], stored: list[Any]) -> list[tuple[str, Any, dedup.DedupFeatures]]:
        into = self.into
        out: list[tuple[str, Any, dedup.DedupFeatures]] = [
            t if t[0] not in into else (self.bundle(t[0]), t[1], t[2]) for t in self.index.candidates(keys, self.tips)]
        out += [(self.bundle(c.bundle_id), c, c.features) for c in stored]
        return out

    def place(self, st: Staged, stored: list[Any], new_id: Callable[[], str]) -> Placement:
        """Put one tip in its bundle; ``stored`` are candidates from the database (store.Candidate)."""
        feats = st.features()
        found = dedup.matching_bundles(feats, self._candidates(st.keys, stored))
        merged: list[BundleState] = []
        if not found:
            b = BundleState(new_id(), "", Counter({st.category: 1}), 1, st.received_at, st.received_at,
                            st.office_code, st.reasons, st.score, new=True)
            self.states[b.id] = b
            self.created += 1
            reason = "first report of its event"
        else:
            states = [self.state(m.bundle) for m in found]
            if any(s.pinned for s in states):
                states = states[:1]  # a supervisor split these apart: join the strongest match only
            b = max(states, key=BundleState.rank)
            for other in states:
                if other is not b:
                    self._merge(b, other)
                    if other.written:
                        merged.append(other)
            self._add(b, st)
            self.joined += 1
            reason = f"bundled: {found[0].why}"
            if len(states) > 1:
                reason += f" (and joined {len(states)} bundles of the same event)"
        i = self.n
        self.n += 1
        keys = self._keys_to_write(st, b.id)
        self.index.add(st.keys, i, set(keys))
        self.tips[i] = (b.id, i, feats)
        if self.newest is None or st.received_at > self.newest:
            self.newest = st.received_at
        return Placement(b.id, reason, keys, merged, created=not found)

    def _keys_to_write(self, st: Staged, bundle_id: str) -> list[str]:
        out = []
        for k in st.keys:
            last = self.index.last_written(k)
            t = self.tips.get(last) if last is not None else None
            if (t is None or self.bundle(t[0]) != bundle_id
                    or abs(st.received_at - t[2].received_at) > KEY_REFRESH):
                out.append(k)
        return out

    def _add(self, b: BundleState, st: Staged) -> None:
        b.count += 1
        b.category[st.category] += 1
        b.first, b.last = min(b.first, st.received_at), max(b.last, st.received_at)
        if b.office == HQ and st.routed:
            b.office = st.office_code
        if st.score > b.base_score:
            b.base, b.base_score = st.reasons, st.score

    def _merge(self, b: BundleState, other: BundleState) -> None:
        b.count += other.count
        b.category.update(other.category)
        b.first, b.last = min(b.first, other.first), max(b.last, other.last)
        if b.office == HQ and other.office != HQ:
            b.office = other.office
        if other.base_score > b.base_score:
            b.base, b.base_score = other.base, other.base_score
        other.merged_into = b.id
        self.into[other.id] = b.id
        self.states.pop(other.id, None)
        self.merges += 1

    def prune(self) -> None:
        """Forget tips too old to match anything newer, and bundles whose last report is that old
        (between chunks, when every change is written)."""
        if self.newest is None or self.n - self.pruned_at < PRUNE_EVERY:
            return
        self.pruned_at = self.n
        horizon = self.newest - dedup.WINDOW
        self.tips = {i: t for i, t in self.tips.items() if t[2].received_at >= horizon}
        self.index.keep(self.tips)
        self.states = {k: s for k, s in self.states.items() if s.last >= horizon or not s.written}
