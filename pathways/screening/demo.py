"""``pathways demo``: load the world's products and screen its manifests into the targeting queue."""

from __future__ import annotations

from pathlib import Path

from pathways.core.policy import system_viewer
from pathways.identity import service as identity
from pathways.screening.catalog import load_products
from pathways.screening.service import run_file
from pathways.store.session import unit_of_work


def demo_step(world_dir: Path) -> str:
    parts = sorted((world_dir / "manifests").glob("part-*.*"))
    if not parts:
        return f"screening: no manifests in {world_dir}; nothing to screen"
    with unit_of_work(system_viewer("cli")) as session:
        viewer = system_viewer("cli", identity.agency(session).id)
    products = world_dir / "products.csv"
    if products.exists():
        with unit_of_work(viewer) as session:
            load_products(session, products)
    targeted = lines = 0
    for part in parts:
        report = run_file(viewer, part, out=world_dir / "screening" / f"hits-{part.stem}.csv")
        lines += report.lines
        targeted += report.targeted
    return f"screening: {len(parts)} manifest file(s), {lines} lines screened, {targeted} targeted"
