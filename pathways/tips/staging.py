"""A prepared tip as plain values for the bulk writer.

Extraction workers send these back to the importing process: tuples and strings unpickle several
times faster than the prepared tip's objects, and the rows they carry need no more work than the
ids, numbers and bundle the writer gives them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from pathways.tips import dedup
from pathways.tips.prepare import PreparedTip
from pathways.tips.store import reasons_json

# The tip columns a worker fills, in insert order (the writer adds ids, numbers, bundle and markings).
TIP_VALUES = ("external_id", "channel", "received_at", "category", "category_reason", "narrative", "location",
              "subjects", "office_code", "routing_reason", "routing_flag", "priority", "priority_score",
              "priority_reasons", "identifiers", "signature")


class Staged(NamedTuple):
    external_id: str
    received_at: datetime
    category: str
    office_code: str
    routed: bool  # the route is sure enough to move a bundle that only HQ could place
    score: int
    reasons: tuple[tuple[int, str], ...]
    idents: frozenset[str]
    sig: bytes | None
    location: str  # dedup.location_key
    keys: tuple[str, ...]
    tip: tuple[Any, ...]  # TIP_VALUES
    tipster: tuple[str, str, str] | None  # name, phone, email
    attachments: tuple[tuple[str, str, int, str], ...]  # filename, content_type, size_bytes, sha256
    mentions: tuple[tuple[str, ...], ...]  # "tips", "tip", kind, value, normalized, field

    def features(self) -> dedup.DedupFeatures:
        return dedup.DedupFeatures(self.received_at, self.idents, self.sig, self.location, self.category)


def sqlite_time(t: datetime) -> str:
    """A timestamp the way SQLAlchemy stores it in SQLite (naive UTC text)."""
    return t.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def stage(p: PreparedTip, sqlite: bool) -> Staged:
    f = p.features
    tip = (p.external_id, p.channel, sqlite_time(p.received_at) if sqlite else p.received_at, p.category,
           p.category_reason, p.narrative, json.dumps(p.location), json.dumps(p.subjects), p.route.office_code,
           p.route.reason, p.route.flag, p.priority.level, p.priority.score, reasons_json(p.priority),
           "\n".join(sorted(f.idents)), f.sig)
    tipster = (p.tipster.get("name", ""), p.tipster.get("phone", ""), p.tipster.get("email", "")) if p.tipster else None
    return Staged(p.external_id, p.received_at, p.category, p.route.office_code,
                  p.route.office_code != "HQ-TRIAGE" and not p.route.flag, p.priority.score,
                  tuple((r.points, r.text) for r in p.priority.reasons), f.idents, f.sig, f.location,
                  tuple(f.keys), tip, tipster,
                  tuple((a["filename"], a["content_type"], a["size_bytes"], a["sha256"]) for a in p.attachments),
                  tuple(("tips", "tip", i.mention_kind.value, i.value[:500], i.normalized[:500], i.field)
                        for i in p.identifiers))
