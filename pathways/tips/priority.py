"""Priority of a tip and of a bundle: an explainable score, each point with its reason in words.

Levels and SLA clocks: critical (1 hour), high (24 hours), normal (5 days).

Extension point: ``HOOKS``. A later capability (cases, network) appends a function
``hook(features) -> list[Reason]`` — for example "a subject's phone is in open case 26-0012" — and its
points join the score. None is registered today: no rule pretends to know what it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

SEVERITY = {
    "child_exploitation": 40, "human_trafficking": 35, "human_smuggling": 30, "weapons_export_control": 30,
    "narcotics_smuggling": 25, "money_laundering": 20, "cyber_crime": 15, "counterfeit_goods": 15, "other": 5,
}
SLA = {"critical": timedelta(hours=1), "high": timedelta(hours=24), "normal": timedelta(days=5)}
CRITICAL, HIGH = 70, 45

_IMMINENT = re.compile(r"\b(tonight|right now|immediately|in danger|happening now|this evening|within the hour)\b",
                       re.I)
_SOON = re.compile(r"\b(today|tomorrow|next week|act quickly|urgent|arriving|this week)\b", re.I)
_CHILD = re.compile(r"\b(child|children|minor|minors|kid|kids|girl|boy|teen|teenager|underage)\b", re.I)


@dataclass(frozen=True)
class Reason:
    points: int
    text: str


@dataclass
class Features:
    category: str
    narrative: str
    identifier_kinds: list[str] = field(default_factory=list)
    routed: bool = False  # a usable location resolved to an office
    reports: int = 1  # tips in the bundle


HOOKS: list[Callable[[Features], list[Reason]]] = []


@dataclass(frozen=True)
class Priority:
    level: str
    score: int
    reasons: tuple[Reason, ...]

    @property
    def words(self) -> list[str]:
        return [f"{r.text} ({'+' if r.points >= 0 else ''}{r.points})" for r in self.reasons]


def level_for(score: int) -> str:
    return "critical" if score >= CRITICAL else "high" if score >= HIGH else "normal"


def score(f: Features) -> Priority:
    reasons = [Reason(SEVERITY.get(f.category, 5), f"category {f.category.replace('_', ' ')}")]
    imminent = _IMMINENT.search(f.narrative)
    if imminent:
        reasons.append(Reason(25, f"imminent: \"{imminent.group(0).lower()}\""))
    elif (soon := _SOON.search(f.narrative)) is not None:
        reasons.append(Reason(10, f"soon: \"{soon.group(0).lower()}\""))
    child = _CHILD.search(f.narrative)
    if child and (f.category in ("child_exploitation", "human_trafficking") or imminent):
        reasons.append(Reason(20, f"a child may be at risk: \"{child.group(0).lower()}\""))
    strong = [k for k in f.identifier_kinds if k not in ("country", "person")]
    if len(strong) >= 2 or (strong and f.routed):
        reasons.append(Reason(10, f"actionable: {len(strong)} identifier(s)" + (" and a location" if f.routed else "")))
    elif not strong and not f.routed:
        reasons.append(Reason(-5, "informational: no identifiers and no location"))
    if f.reports > 1:
        reasons.append(Reason(min(20, 5 * (f.reports - 1)), f"corroborated by {f.reports} reports"))
    for hook in HOOKS:
        reasons.extend(hook(f))
    total = max(0, sum(r.points for r in reasons))
    return Priority(level_for(total), total, tuple(reasons))
