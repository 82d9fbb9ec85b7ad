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
import operator
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from datasketch import MinHash

NUM_PERM = 30
BANDS, ROWS = 10, 3  # candidate probability ~0.74 at Jaccard 0.5, ~0.99 at 0.7
_A, _B = MinHash(num_perm=NUM_PERM, seed=20260, scheme="affine32").permutations  # uint32 affine maps
_F = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))  # MurmurHash3's 32-bit finalizer
_MAX = np.uint64((1 << 32) - 1)

# Identifiers that belong to one event (a random wallet, a link, a handle) vs. those a person carries
# from event to event (a phone, an e-mail, a plate): the latter need more evidence to join two tips.
STRONG = frozenset({"url", "btc", "eth", "username", "ip_address"})
WEAK = frozenset({"phone", "email", "vehicle", "vessel", "domain"})
WINDOW = timedelta(days=180)
_WORD = re.compile(r"[a-z0-9]+")
_UNPACK = struct.Struct(f"<{NUM_PERM}I").unpack
_NONE: dict[str, frozenset[str]] = {}
T = TypeVar("T")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < 2:
        return {w.encode() for w in words}
    return {f"{a} {b}".encode() for a, b in itertools.pairwise(words)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature (uint32 x NUM_PERM) of a narrative's word-bigram shingles: the values
    datasketch's affine32 MinHash gives, computed for all shingles at once."""
    sh = shingles(text)
    if not sh:
        return np.full(NUM_PERM, _MAX, dtype=np.uint64)
    hv = np.frombuffer(b"".join(hashlib.sha1(x).digest()[:4] for x in sh), dtype="<u4").reshape(-1, 1)
    hv = hv ^ (hv >> _F[0])
    hv = hv * _F[1]
    hv = hv ^ (hv >> _F[2])
    hv = hv * _F[3]
    hv = hv ^ (hv >> _F[4])
    return (hv * _A + _B).min(axis=0).astype(np.uint64)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes | None) -> np.ndarray | None:
    return None if raw is None else np.frombuffer(raw, dtype="<u4").astype(np.uint64)


def band_keys(sig: bytes) -> list[str]:
    """The LSH band keys of a signature (as stored: NUM_PERM little-endian uint32)."""
    width = ROWS * 4
    return [f"lsh{b}:" + hashlib.blake2b(sig[b * width:(b + 1) * width], digest_size=8).hexdigest()
            for b in range(BANDS)]


def jaccard(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(np.count_nonzero(a == b)) / NUM_PERM


def location_key(location: Mapping[str, Any] | None) -> str:
    loc = {k: str(v).strip().upper() for k, v in (location or {}).items() if v not in (None, "")}
    return json.dumps(loc, sort_keys=True) if loc else ""


def place_level(location: str) -> str:
    """The narrowest part of a location key: many events share a state or a town within weeks,
    few share a ZIP code, almost none a street address."""
    if not location:
        return ""
    for part, level in (('"address"', "address"), ('"zip"', "zip"), ('"city"', "town")):
        if part in location:
            return level
    return "region"


@dataclass
class DedupFeatures:
    received_at: datetime
    idents: frozenset[str]  # kind:normalized, dedup kinds only
    sig: bytes | None  # the narrative's MinHash, as stored (to_bytes)
    location: str  # location_key
    category: str = ""
    values: tuple[int, ...] = field(init=False)
    distinctive: frozenset[str] = field(init=False)
    strong_kinds: dict[str, frozenset[str]] = field(init=False)
    place: str = field(init=False)  # how narrow the place is (place_level)

    def __post_init__(self) -> None:
        self.place = place_level(self.location)
        # once per tip in the bulk writer's loop: one pass over the identifiers
        self.values = _UNPACK(self.sig) if self.sig else ()
        kinds: dict[str, set[str]] = {}
        distinctive = []
        for k in self.idents:
            kind, _, value = k.partition(":")
            if kind in STRONG:
                kinds.setdefault(kind, set()).add(k)
                if kind != "username" or any(ch.isdigit() for ch in value):  # a bare word may be shared
                    distinctive.append(k)
        self.distinctive = frozenset(distinctive)
        self.strong_kinds = {k: frozenset(v) for k, v in kinds.items()} if kinds else _NONE


    @property
    def keys(self) -> list[str]:
        own = sorted(k for k in self.idents if k.split(":", 1)[0] in STRONG | WEAK)
        if self.location:
            own.append("loc:" + hashlib.blake2b(self.location.encode(), digest_size=8).hexdigest())
        return own + (band_keys(self.sig) if self.sig else [])


def similarity(a: DedupFeatures, b: DedupFeatures) -> float:
    """The narratives' estimated Jaccard similarity: the share of MinHash values they agree on."""
    if not a.values or not b.values:
        return 0.0
    return sum(map(operator.eq, a.values, b.values)) / NUM_PERM


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


PLACE_WEEKS = timedelta(days=21)  # how long a state or a town alone keeps two reports together
_WHERE = {"town": "town", "region": "state or country"}


def same_event(a: DedupFeatures, b: DedupFeatures, quiet: bool = False) -> str | None:
    """Why ``a`` and ``b`` report the same event, in words; ``None`` if they do not.

    Evidence is weighed against how many other events could show it: a wallet, a link or a handle
    with digits belongs to one event; a phone or an e-mail to a person, who may be in several
    events of one place; a state, a country or a town with the same kind of report is shared by
    many events within weeks, so there the place counts only when it is ``quiet``: ``b``'s bundle is
    the only one reported there within PLACE_WEEKS (``matching_bundles`` tells)."""
    gap = abs(a.received_at - b.received_at)
    if gap > WINDOW:
        return None
    if a.distinctive and b.distinctive:
        strong = a.distinctive & b.distinctive
        if strong:
            return f"shares {min(strong)}"
    if a.location != b.location or conflicts(a, b):
        return None
    shared = sorted(a.idents & b.idents)
    if len(shared) >= 2 and any(k.split(":", 1)[0] in STRONG for k in shared):
        # a viral post's reposts in other words: the same handle and the same site, nothing apart
        return f"shares {shared[0]} and {shared[1]}"
    sim = similarity(a, b)
    place = a.place
    alone = quiet and place in _WHERE and gap <= PLACE_WEEKS
    if shared:
        if place in ("address", "zip", "town"):
            return f"shares {shared[0]} and the same place"
        if sim >= (0.4 if place else 0.6):
            return f"shares {shared[0]} and similar text ({sim:.2f})"
        if alone:
            return f"shares {shared[0]}, the only event reported in that {_WHERE[place]} within three weeks"
        return None
    if place == "address" and (a.category == b.category or sim >= 0.2) and gap <= timedelta(days=90):
        return "same street address, same kind of report, within 90 days"
    if place == "zip" and a.category == b.category and gap <= PLACE_WEEKS:
        return "same ZIP code, same kind of report, within three weeks"
    if place in ("address", "zip") and sim >= 0.6:
        return f"same place and similar text ({sim:.2f})"
    if alone and a.category == b.category:
        return f"same kind of report, the only event reported in that {_WHERE[place]} within three weeks"
    return None


MAX_PER_KEY = 8  # candidates looked at per key: the most recent ones, where duplicates are
MISSES_PER_BUNDLE = 4  # members of one bundle tried before it is taken for another event


def firm(a: DedupFeatures, b: DedupFeatures) -> bool:
    """A link that holds between bundles: an identifier of one event in common (a wallet, a link, a
    handle with digits), or two in common, one of them a link, handle or wallet (a viral post's
    reposts). Only such a link merges bundles: were a phone seen in one town, or a place and a kind
    of report, enough to merge, each report could pull another event in, and chains of such links
    join unrelated events into one bundle."""
    if a.distinctive & b.distinctive:
        return True
    shared = a.idents & b.idents
    return len(shared) >= 2 and any(k.split(":", 1)[0] in STRONG for k in shared)


@dataclass(frozen=True)
class Match:
    bundle: str
    ref: Any  # the matching candidate (a tip number in an import, a Candidate online)
    why: str
    strength: float
    firm: bool = False  # the link may merge this bundle with others (``firm``)


def matching_bundles(me: DedupFeatures, candidates: Iterable[tuple[str, Any, DedupFeatures]]) -> list[Match]:
    """The bundles ``me`` goes into, best first: the bundle of its best match, and every other bundle
    it is firmly linked to (``firm``), which merge into one; bundles it matches only by weaker links
    stay apart.

    ``candidates`` are (bundle, ref, features), most recent first. One matching member is enough to
    place a bundle, so the rest of its members are skipped once one is firmly linked; a bundle whose
    most recent members do not match is given up after MISSES_PER_BUNDLE tries."""
    found: dict[str, Match] = {}
    misses: dict[str, int] = {}
    listed = candidates if isinstance(candidates, list) else list(candidates)
    quiet = len(reported_at_place(me, listed)) <= 1
    place, distinctive = me.location, me.distinctive
    for bundle, ref, other in listed:
        if other.location != place and (not distinctive or distinctive.isdisjoint(other.distinctive)):
            # most candidates (a shared text band, a phone) are of other places: ``same_event``'s
            # answer without the call
            if bundle not in found:
                misses[bundle] = misses.get(bundle, 0) + 1
            continue
        known = found.get(bundle)
        if (known is not None and known.firm) or misses.get(bundle, 0) >= MISSES_PER_BUNDLE:
            continue
        if known is not None:  # placed by a weaker link: a firm one from another member may still come
            if firm(me, other) and (why := same_event(me, other, quiet)) is not None:
                found[bundle] = Match(bundle, ref, why, len(me.idents & other.idents) + similarity(me, other), True)
            continue
        why = same_event(me, other, quiet)
        if why is None:
            misses[bundle] = misses.get(bundle, 0) + 1
        else:
            found[bundle] = Match(bundle, ref, why, len(me.idents & other.idents) + similarity(me, other),
                                  firm(me, other))
    ranked = sorted(found.values(), key=lambda m: (not m.firm, -m.strength))
    return ranked[:1] + [m for m in ranked[1:] if m.firm]


def reported_at_place(me: DedupFeatures, candidates: list[tuple[str, Any, DedupFeatures]]) -> set[str]:
    """The bundles among the candidates reported at ``me``'s state or town within PLACE_WEEKS (the
    location key brings the most recent reports there)."""
    if me.place not in _WHERE:
        return set()
    return {bundle for bundle, _, other in candidates
            if other.location == me.location and abs(me.received_at - other.received_at) <= PLACE_WEEKS}


class KeyIndex:
    """The in-memory side of the key index for a bulk import: key -> recent tips (import numbers).

    An entry is stored as ``i`` when the tip's key was written to the database, ``~i`` when that
    was skipped (a recent row of the same bundle already stands for it)."""

    def __init__(self) -> None:
        self.entries: dict[str, list[int]] = {}

    def candidates(self, keys: Iterable[str], live: Mapping[int, T]) -> list[T]:
        """What ``live`` holds of the tips sharing a key (the most recent MAX_PER_KEY of each key),
        most recent first."""
        seen: set[int] = set()
        out = []
        get = self.entries.get
        for k in keys:
            bucket = get(k)
            if bucket:
                for i in bucket[:-MAX_PER_KEY - 1:-1]:
                    if i < 0:
                        i = ~i
                    if i not in seen:
                        seen.add(i)
                        found = live.get(i)
                        if found is not None:
                            out.append(found)
        return out

    def last_written(self, key: str) -> int | None:
        for i in reversed(self.entries.get(key, ())):
            if i >= 0:
                return i
        return None

    def add(self, keys: Iterable[str], i: int, written: set[str]) -> None:
        entries = self.entries
        for k in keys:
            bucket = entries.get(k)
            if bucket is None:
                entries[k] = [i if k in written else ~i]
                continue
            bucket.append(i if k in written else ~i)
            if len(bucket) > MAX_PER_KEY * 2:
                del bucket[:MAX_PER_KEY]

    def keep(self, live: Mapping[int, Any]) -> None:
        """Drop entries of tips no longer in ``live``, and keys left with none."""
        kept = {}
        for k, bucket in self.entries.items():
            alive = [i for i in bucket if (i if i >= 0 else ~i) in live]
            if alive:
                kept[k] = alive
        self.entries = kept
