"""Recordations from the world generator's own brand and mark functions, at any count.

``pathways world generate --scale large`` makes 50,000 recordations but also ten million manifest
lines; the registry benchmark needs only the recordations, so it calls the world's brand builder
directly with the large scale's party counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pathways.world.brands import Brands, build_brands
from pathways.world.parties import Parties, build_legit_parties
from pathways.world.rng import stream
from pathways.world.scales import get_scale
from pathways.world.truth import write_recordations


def brands(seed: int, count: int, scale: str = "large") -> tuple[Brands, Parties]:
    sc = get_scale(scale)
    parties = Parties()
    pools = build_legit_parties(parties, stream(seed, "parties"), sc.importers, sc.shippers, sc.forwarders,
                                min(sc.consumers, 1000))
    return build_brands(stream(seed, "brands"), count, parties, pools), parties


def write(out_dir: Path, seed: int, count: int) -> Path:
    """recordations.csv (and products.csv) with ``count`` recordations into ``out_dir``."""
    b, parties = brands(seed, count)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_recordations(out_dir, b, parties)[0]


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
