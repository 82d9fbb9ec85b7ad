"""Near-duplicate tips: MinHash (datasketch) over narrative shingles, LSH bands and shared identifiers
as candidate keys, and a pair rule that says in words why two tips report the same event.

The candidate keys live in the ``tip_keys`` table (LSH in the database), so a tip arriving online
finds its duplicates among millions without an in-memory index, and a bulk import finds them with
the same keys in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from datasketch import MinHash

NUM_PERM = 30
BANDS, ROWS = 10, 3  # candidate probability ~0.74 at Jaccard 0.5, ~0.99 at 0.7
_SEED_MINHASH = MinHash(num_perm=NUM_PERM, seed=20260, scheme="affine32")
_PERMS = _SEED_MINHASH.permutations
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)

# Identifiers that belong to one event (a random wallet, a link, a handle) vs. those a person carries
# from event to event (a phone, an e-mail, a plate): the latter need more evidence to join two tips.
STRONG = frozenset({"url", "btc", "eth", "username", "ip_address"})
WEAK = frozenset({"phone", "email", "vehicle", "vessel", "domain"})
WINDOW = timedelta(days=180)
_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < 2:
        return {w.encode() for w in words}
    return {f"{a} {b}".encode() for a, b in itertools.pairwise(words)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature (uint32 × NUM_PERM) of a narrative's word-bigram shingles."""
    sh = shingles(text)
    if not sh:
        return np.full(NUM_PERM, _MAX, dtype=np.uint64)
    m = MinHash(num_perm=NUM_PERM, seed=20260, permutations=_PERMS, scheme="affine32")
    m.update_batch(list(sh))
    return np.asarray(m.hashvalues, dtype=np.uint64)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes | None) -> np.ndarray | None:
    return None if raw is None else np.frombuffer(raw, dtype="<u4").astype(np.uint64)


def band_keys(sig: np.ndarray) -> list[str]:
    raw = sig.astype("<u4")
    return [f"lsh{b}:" + hashlib.blake2b(raw[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).hexdigest()
            for b in range(BANDS)]


def jaccard(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(np.count_nonzero(a == b)) / NUM_PERM


def location_key(location: Mapping[str, Any] | None) -> str:
    loc = {k: str(v).strip().upper() for k, v in (location or {}).items() if v not in (None, "")}
    return json.dumps(loc, sort_keys=True) if loc else ""


@dataclass
class DedupFeatures:
    received_at: datetime
    idents: frozenset[str]  # kind:normalized, dedup kinds only
    sig: np.ndarray | None
    location: str  # location_key
    category: str = ""
    distinctive: frozenset[str] = field(init=False)
    strong_kinds: dict[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.distinctive = frozenset(k for k in self.idents if _distinctive(k))
        kinds: dict[str, set[str]] = {}
        for k in self.idents:
            kind = k.split(":", 1)[0]
            if kind in STRONG:
                kinds.setdefault(kind, set()).add(k)
        self.strong_kinds = {k: frozenset(v) for k, v in kinds.items()}

    @property
    def specific_place(self) -> bool:
        return any(f'"{k}"' in self.location for k in ("ZIP", "ADDRESS", "CITY"))

    @property
    def keys(self) -> list[str]:
        own = sorted(k for k in self.idents if k.split(":", 1)[0] in STRONG | WEAK)
        if self.location:
            own.append("loc:" + hashlib.blake2b(self.location.encode(), digest_size=8).hexdigest())
        return own + (band_keys(self.sig) if self.sig is not None else [])


def _distinctive(key: str) -> bool:
    """A strong identifier that is unlikely to be shared by chance (a handle without digits may be)."""
    kind, _, value = key.partition(":")
    return kind in STRONG and (kind != "username" or any(ch.isdigit() for ch in value))


def conflicts(a: DedupFeatures, b: DedupFeatures) -> str | None:
    """Evidence that two tips are different events: two different places, or two different wallets,
    links or handles of the same kind and none in common."""
    if a.location != b.location:  # reports of one event carry its place; only viral reposts drop it
        return "different places"
    ka, kb = a.strong_kinds, b.strong_kinds
    if ka and kb:
        for kind, values in ka.items():
            other = kb.get(kind)
            if other is not None and not values & other:
                return f"different {kind}"
    return None


def same_event(a: DedupFeatures, b: DedupFeatures) -> str | None:
    """Why ``a`` and ``b`` report the same event, in words; ``None`` if they do not."""
    gap = abs(a.received_at - b.received_at)
    if gap > WINDOW:
        return None
    if a.distinctive and b.distinctive:
        strong = a.distinctive & b.distinctive
        if strong:
            return f"shares {min(strong)}"
    if a.location != b.location or conflicts(a, b):
        return None
    weak = sorted(a.idents & b.idents)
    sim = jaccard(a.sig, b.sig)
    same_place = bool(a.location) and a.location == b.location
    if weak and (same_place or sim >= 0.6):
        return f"shares {weak[0]} and " + ("the same place" if same_place else f"similar text ({sim:.2f})")
    if same_place and (sim >= 0.6 or (sim >= 0.4 and a.specific_place)):
        return f"same place and similar text ({sim:.2f})"
    if same_place and a.specific_place and (a.category == b.category or sim >= 0.2) and gap <= timedelta(days=90):
        return "same address or town, same kind of report, within 90 days"
    if same_place and a.category == b.category and gap <= timedelta(days=21):
        return "same place, same kind of report, within three weeks"
    if sim >= 0.6 and gap <= timedelta(days=30):
        return f"nearly the same text ({sim:.2f})"
    return None


MAX_PER_KEY = 25  # candidates looked at per key: the most recent ones, where duplicates are


class KeyIndex:
    """The in-memory side of the key index for a bulk import: key -> recent (tip, bundle) entries."""

    def __init__(self) -> None:
        self.entries: dict[str, list[int]] = {}

    def candidates(self, keys: list[str]) -> list[int]:
        seen: dict[int, None] = {}
        for k in keys:
            for i in reversed(self.entries.get(k, ())):
                seen.setdefault(i, None)
        return list(seen)

    def add(self, keys: list[str], i: int) -> None:
        for k in keys:
            bucket = self.entries.setdefault(k, [])
            bucket.append(i)
            if len(bucket) > MAX_PER_KEY * 2:
                del bucket[:MAX_PER_KEY]


def matches(me: DedupFeatures, others: list[tuple[Any, DedupFeatures]]) -> list[tuple[Any, str]]:
    """Every candidate that reports the same event as ``me``, best first, each with the reason."""
    found = []
    for ref, other in others:
        why = same_event(me, other)
        if why is not None:
            found.append((len(me.idents & other.idents) + jaccard(me.sig, other.sig), ref, why))
    found.sort(key=lambda x: -x[0])
    return [(ref, why) for _, ref, why in found]


class UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = min(ra, rb), max(ra, rb)
            self.parent[hi] = lo
        return min(ra, rb)
