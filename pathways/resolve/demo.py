"""``pathways demo``: resolve the demo world's parties (manifests, tips, seizures) into entities."""

from __future__ import annotations

from pathlib import Path

from pathways.identity import service as identity
from pathways.resolve.service import run
from pathways.store.session import unit_of_work


def demo_step(world_dir: Path) -> str:
    viewer = identity.operator_viewer()
    with unit_of_work(viewer) as session:
        r = run(session, viewer)
    return (f"entity resolution: {r.records:,} party records → {r.entities:,} entities, "
            f"{r.review_pairs:,} pairs for review")
