"""Clusters from scored pairs, with human judgements that always beat the model.

"Same" judgements are joined first (transitively). Then pairs at or above the threshold are joined in
descending probability (ties by ids), each only if no "not same" judgement would end up inside one
cluster. The cluster id is the smallest id in the cluster, so the result depends on nothing but the input.
"""

from __future__ import annotations

from collections.abc import Iterable


class _Groups:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent: dict[str, str] = {i: i for i in ids}
        self.apart: dict[str, set[str]] = {}  # root -> roots it must never join

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def union(self, a: str, b: str, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        apart_a, apart_b = self.apart.get(ra, set()), self.apart.get(rb, set())
        if not force and (apart_a and apart_b):
            smaller, other = (apart_a, rb) if len(apart_a) <= len(apart_b) else (apart_b, ra)
            if any(self.find(x) == other for x in smaller):
                return False
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        moved = self.apart.pop(gone, None)
        if moved:
            kept = self.apart.setdefault(keep, set())
            if len(kept) < len(moved):
                kept, moved = moved, kept
                self.apart[keep] = kept
            kept.update(moved)
        return True


def cluster(ids: Iterable[str], pairs: Iterable[tuple[str, str, float]], threshold: float,
            same: Iterable[tuple[str, str]] = (), not_same: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """``{id: cluster_id}`` for every id; ``pairs`` are ``(id_l, id_r, probability)``.

    A "same" judgement that contradicts a "not same" one is applied (the two are then in one cluster):
    resolve the contradiction in the review queue."""
    groups = _Groups(ids)
    known = groups.parent
    for a, b in same:
        if a in known and b in known:
            groups.union(a, b, force=True)
    for a, b in not_same:
        if a in known and b in known:
            groups.forbid(a, b)
    ranked = sorted(((p, a, b) for a, b, p in pairs if p >= threshold), key=lambda t: (-t[0], t[1], t[2]))
    for _p, a, b in ranked:
        groups.union(a, b)
    return {i: groups.find(i) for i in known}
