"""One record in, one prepared tip out: validated, identifiers extracted, category, route, dedup features.

Pure and shared by every intake path (public form, operator, API, bulk import), so a tip is judged the
same whichever door it came through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pathways.identity.offices_file import OfficeSpec
from pathways.tips import dedup
from pathways.tips.classify import CATEGORIES, classify
from pathways.tips.extract import Identifier, from_record
from pathways.tips.priority import Features, Priority, score
from pathways.tips.routing import Route, route

CHANNELS = ("web_form", "phone", "email", "partner_referral", "mobile_app")
MAX_NARRATIVE = 20_000
MAX_FIELD = 500
MAX_SUBJECTS = 50
MAX_ATTACHMENTS = 20
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LOCATION_KEYS = ("address", "city", "state", "zip", "country")
TIPSTER_KEYS = ("name", "phone", "email")
SUBJECT_KEYS = ("name", "dob", "phone", "email", "username", "address")


class RecordError(ValueError):
    """Why one record cannot be taken, in words (goes to the rejects file or a problem detail)."""


@dataclass
class PreparedTip:
    external_id: str
    received_at: datetime
    channel: str
    category: str
    category_reason: str
    narrative: str
    location: dict[str, str]
    tipster: dict[str, str]
    subjects: list[dict[str, str]]
    attachments: list[dict[str, Any]]
    identifiers: list[Identifier]
    route: Route
    features: dedup.DedupFeatures
    priority: Priority
    extra: dict[str, Any] = field(default_factory=dict)

    def priority_with(self, reports: int) -> Priority:
        return score(self._features(reports))

    def _features(self, reports: int) -> Features:
        return Features(self.category, self.narrative, [i.kind for i in self.identifiers],
                        routed=bool(self.location) and not self.route.flag and self.route.office_code != "HQ-TRIAGE",
                        reports=reports)


def external_id_of(rec: dict[str, Any]) -> str:
    """A record's external_id as it is stored (trimmed); "" when it has none or a bad one."""
    try:
        return _text(rec.get("external_id"), "external_id", 120)
    except RecordError:
        return ""


def _text(value: Any, name: str, limit: int = MAX_FIELD) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RecordError(f"{name} must be text")
    text = str(value).strip()
    if len(text) > limit:
        raise RecordError(f"{name} is longer than {limit} characters")
    if _CONTROL.search(text):
        raise RecordError(f"{name} contains control characters")
    return text


def _object(value: Any, name: str, keys: Sequence[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"{name} must be an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise RecordError(f"{name} has unknown key(s) {', '.join(map(str, unknown))}")
    return {k: t for k in keys if (t := _text(value.get(k), f"{name}.{k}"))}


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("received_at is required (ISO 8601, e.g. 2024-03-05T14:22:10Z)")
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"received_at {value[:40]!r} is not an ISO 8601 timestamp") from None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def validate(rec: Any) -> dict[str, Any]:
    """The record's fields, checked; raises ``RecordError`` with the first thing wrong."""
    if not isinstance(rec, Mapping):
        raise RecordError("a tip must be a JSON object")
    known = {"external_id", "received_at", "channel", "category", "narrative", "location", "tipster", "subjects",
             "attachments"}
    unknown = sorted(set(rec) - known)
    if unknown:
        raise RecordError(f"unknown key(s) {', '.join(map(str, unknown))}")
    external_id = _text(rec.get("external_id"), "external_id", 120)  # as external_id_of
    if not external_id:
        raise RecordError("external_id is required")
    channel = _text(rec.get("channel"), "channel")
    if channel not in CHANNELS:
        raise RecordError(f"channel must be one of {', '.join(CHANNELS)}")
    category = _text(rec.get("category"), "category")
    if category and category not in CATEGORIES:
        raise RecordError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    narrative = _text(rec.get("narrative"), "narrative", MAX_NARRATIVE)
    if not narrative:
        raise RecordError("narrative is required")
    subjects_raw = rec.get("subjects") or []
    if not isinstance(subjects_raw, list) or len(subjects_raw) > MAX_SUBJECTS:
        raise RecordError(f"subjects must be a list of at most {MAX_SUBJECTS} objects")
    attachments_raw = rec.get("attachments") or []
    if not isinstance(attachments_raw, list) or len(attachments_raw) > MAX_ATTACHMENTS:
        raise RecordError(f"attachments must be a list of at most {MAX_ATTACHMENTS} objects")
    attachments = []
    for i, a in enumerate(attachments_raw):
        if not isinstance(a, Mapping):
            raise RecordError(f"attachments[{i}] must be an object")
        sha = _text(a.get("sha256"), f"attachments[{i}].sha256").lower()
        if not _SHA.match(sha):
            raise RecordError(f"attachments[{i}].sha256 must be 64 hex digits")
        size = a.get("size_bytes", 0)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise RecordError(f"attachments[{i}].size_bytes must be a whole number")
        attachments.append({"filename": _text(a.get("filename"), f"attachments[{i}].filename", 300) or "attachment",
                            "content_type": _text(a.get("content_type"), f"attachments[{i}].content_type", 120)
                            or "application/octet-stream", "size_bytes": size, "sha256": sha})
    return {
        "external_id": external_id,
        "received_at": parse_time(rec.get("received_at")),
        "channel": channel,
        "category": category,
        "narrative": narrative,
        "location": _object(rec.get("location"), "location", LOCATION_KEYS),
        "tipster": _object(rec.get("tipster"), "tipster", TIPSTER_KEYS),
        "subjects": [_object(s, f"subjects[{i}]", SUBJECT_KEYS) for i, s in enumerate(subjects_raw)],
        "attachments": attachments,
    }


def prepare(rec: Any, offices: Sequence[OfficeSpec]) -> PreparedTip:
    v = validate(rec)
    r = route(offices, v["location"])
    idents = from_record(v, r.country or "US")
    if v["category"]:
        category, reason = v["category"], "given by the source"
    else:
        category, reason = classify(v["narrative"])
    feats = dedup.DedupFeatures(
        received_at=v["received_at"],
        idents=frozenset(i.key for i in idents if i.kind in dedup.STRONG | dedup.WEAK),
        sig=dedup.to_bytes(dedup.signature(v["narrative"])),
        location=dedup.location_key(v["location"]),
        category=category,
    )
    tip = PreparedTip(v["external_id"], v["received_at"], v["channel"], category, reason, v["narrative"],
                      v["location"], v["tipster"], v["subjects"], v["attachments"], idents, r, feats,
                      priority=_UNSCORED)
    tip.priority = tip.priority_with(1)
    return tip


_UNSCORED = Priority("normal", 0, ())
