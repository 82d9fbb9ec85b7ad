"""An explanation in words ("same phone +9.8; name Jaro-Winkler 0.93 +4.2; different city −1.5") split
back into its parts, for drawing each field's weight as a bar."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TRAILING_WEIGHT = re.compile(r"^(?P<label>.*?)\s*(?P<weight>[+\-−]\s?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class WeightPart:
    label: str
    weight: float

    @property
    def width(self) -> int:
        """Bar width in percent of the widest bar drawn (10 match-weight units)."""
        return min(100, round(abs(self.weight) * 10))


def weight_parts(explanation: str) -> list[WeightPart]:
    parts = []
    for piece in (explanation or "").split(";"):
        m = _TRAILING_WEIGHT.match(piece.strip())
        if m:
            parts.append(WeightPart(m["label"], float(m["weight"].replace("−", "-").replace(" ", ""))))
    return parts
