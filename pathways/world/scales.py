"""How big each named world is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    recordations: int
    manifest_lines: int
    tips: int
    importers: int
    shippers: int
    forwarders: int
    consumers: int
    rings: int
    smuggling_orgs: int
    chunk_lines: int  # manifest lines per part file (and per Parquet row group)
    viral_max: int  # largest number of reports of one viral post


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 300, 10_000, 1_000, 150, 200, 20, 1_500, 4, 2, 5_000, 40),
    "small": Scale("small", 3_000, 200_000, 20_000, 1_500, 2_000, 80, 20_000, 12, 5, 100_000, 300),
    "medium": Scale("medium", 20_000, 2_000_000, 100_000, 8_000, 12_000, 300, 150_000, 30, 10, 250_000, 800),
    "large": Scale(
        "large", 50_000, 10_000_000, 1_000_000, 20_000, 30_000, 600, 600_000, 60, 20, 500_000, 3_000
    ),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
