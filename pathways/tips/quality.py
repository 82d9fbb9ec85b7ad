"""Measured against the world's ground truth: dedup pairwise precision and recall, routing accuracy."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    routed: int
    routed_correctly: int

    @property
    def routing_accuracy(self) -> float:
        return self.routed_correctly / self.routed if self.routed else 1.0


def _pair_counts(groups: Iterable[list[str]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups)


def pairwise(predicted: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, int, int]:
    """Precision and recall over pairs of tips put in one bundle, without listing the pairs."""
    by_pred: dict[str, list[str]] = defaultdict(list)
    by_true: dict[str, list[str]] = defaultdict(list)
    both: dict[tuple[str, str], list[str]] = defaultdict(list)
    for tip, bundle in predicted.items():
        if tip in truth:
            by_pred[bundle].append(tip)
            by_true[truth[tip]].append(tip)
            both[(bundle, truth[tip])].append(tip)
    tp = _pair_counts(both.values())
    pp, tpairs = _pair_counts(by_pred.values()), _pair_counts(by_true.values())
    return (tp / pp if pp else 1.0), (tp / tpairs if tpairs else 1.0), tpairs, pp


def read_csv_map(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row[key]: row[value] for row in csv.DictReader(fh)}


def measure(export_csv: Path, world_dir: Path) -> Quality:
    bundles = read_csv_map(export_csv, "external_id", "bundle_id")
    offices = read_csv_map(export_csv, "external_id", "office_code")
    p, r, tpairs, pp = pairwise(bundles, read_csv_map(world_dir / "truth" / "tip_duplicates.csv", "external_id",
                                                      "duplicate_group"))
    truth_offices = read_csv_map(world_dir / "truth" / "tip_offices.csv", "external_id", "office_code")
    routed = [e for e in offices if e in truth_offices]
    right = sum(offices[e] == truth_offices[e] for e in routed)
    return Quality(p, r, tpairs, pp, len(routed), right)
