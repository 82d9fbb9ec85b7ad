"""Stable entity ids: a new clustering inherits the ids of the entities it continues.

Each old entity id goes to the new cluster that holds most of its mentions (largest overlap first,
ties to the smaller id, so the outcome is deterministic); each cluster takes at most one old id.
Clusters left without one get a fresh id. What moved is written down as events: the surviving id
*merged* others, an absorbed id *merged into* the survivor, an id whose mentions spread over
several clusters was *split*, and an id with no mentions left is *retired*.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pathways.resolve.entity_models import EventKind


@dataclass(frozen=True)
class Event:
    entity_id: str
    kind: EventKind
    other_ids: tuple[str, ...] = ()
    mentions: int = 0


@dataclass
class Assignment:
    entity_of: dict[str, str] = field(default_factory=dict)  # mention id -> entity id
    members: dict[str, list[str]] = field(default_factory=dict)  # entity id -> its mention ids
    created: set[str] = field(default_factory=set)  # ids new in this run
    merged_into: dict[str, str] = field(default_factory=dict)  # absorbed old id -> survivor
    retired: set[str] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)

    @property
    def changed(self) -> set[str]:
        """Entities whose membership or status changed (for updating only those rows)."""
        return {e.entity_id for e in self.events}


def assign_ids(clusters: Mapping[str, Sequence[str]], previous: Mapping[str, str],
               new_id: Callable[[], str]) -> Assignment:
    """``clusters``: cluster key -> mention ids; ``previous``: mention id -> its entity id before the run."""
    overlap: dict[str, Counter[str]] = {key: Counter(previous[m] for m in ms if m in previous)
                                        for key, ms in clusters.items()}
    ranked = sorted(((n, old, key) for key, c in overlap.items() for old, n in c.items()),
                    key=lambda t: (-t[0], t[1], t[2]))
    id_of: dict[str, str] = {}
    taken: set[str] = set()
    for _, old, key in ranked:
        if key not in id_of and old not in taken:
            id_of[key] = old
            taken.add(old)
    out = Assignment()
    eid_of: dict[str, str] = {}
    for key in sorted(clusters):
        eid = id_of.get(key)
        if eid is None:
            eid = new_id()
            out.created.add(eid)
        eid_of[key] = eid
        out.members[eid] = list(clusters[key])
        for m in clusters[key]:
            out.entity_of[m] = eid
    went_to: dict[str, Counter[str]] = defaultdict(Counter)  # old id -> new id -> mentions
    for key, c in overlap.items():
        for old, n in c.items():
            went_to[old][eid_of[key]] += n
    _record_events(out, went_to, set(previous.values()))
    return out


def _record_events(out: Assignment, went_to: Mapping[str, Counter[str]], old_ids: set[str]) -> None:
    for eid in sorted(out.members):
        sources = {old: went_to[old][eid] for old in sorted(went_to) if old != eid and went_to[old][eid]}
        if eid in out.created:
            out.events.append(Event(eid, EventKind.SPLIT_FROM if sources else EventKind.CREATED,
                                    tuple(sources), len(out.members[eid])))
        elif sources:
            out.events.append(Event(eid, EventKind.MERGED, tuple(sources), sum(sources.values())))
    for old in sorted(old_ids):
        dest = went_to.get(old, Counter())
        if old in out.members:
            others = sorted(e for e in dest if e != old)
            if others:
                out.events.append(Event(old, EventKind.SPLIT, tuple(others), sum(dest[e] for e in others)))
        elif dest:
            survivor = min(dest, key=lambda e: (-dest[e], e))
            out.merged_into[old] = survivor
            out.events.append(Event(old, EventKind.MERGED_INTO, (survivor,), sum(dest.values())))
        else:
            out.retired.add(old)
            out.events.append(Event(old, EventKind.RETIRED))
