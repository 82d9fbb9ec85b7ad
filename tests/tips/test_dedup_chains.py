"""Weak links do not chain events: in a state where several events are reported, reports that
share only the state and the kind of report, or a phone in other words, stay apart; a report weakly
linked to two bundles joins one of them and merges nothing; reports of one event still bundle, and
in a town where nothing else is reported, the same kind of report within weeks is the same event."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from pathways.core.policy import Viewer
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from pathways.tips import importer
from pathways.tips.models import Tip

NM = {"state": "NM"}
ZIP = {"zip": "87102"}


def tip(ext: str, day: int, category: str, narrative: str, location: dict[str, str]) -> str:
    return json.dumps({"external_id": ext, "received_at": f"2025-05-{day:02d}T10:00:00Z", "channel": "phone",
                       "category": category, "narrative": narrative, "location": location})


# Each report is its own event; each shares with the one before it only what many events share,
# in a state where other events are reported meanwhile.
CHAIN = [
    tip("C-1", 1, "narcotics_smuggling", "A man called Ray sells pills from a garage near the rail yard.", NM),
    tip("C-2", 4, "narcotics_smuggling", "Trucks with produce carry hidden packages north; driver answers "
        "(505) 247-0193.", NM),
    tip("C-3", 8, "narcotics_smuggling", "My neighbor keeps getting boxes of powder, he told me to call "
        "(505) 247-0193 if I wanted some.", NM),
    tip("C-4", 12, "narcotics_smuggling", "Someone at the flea market takes cash for fentanyl and meets buyers "
        "behind the bakery on Sundays.", NM),
    tip("C-5", 17, "narcotics_smuggling", "A white van unloads crates at night at a closed tire shop by the "
        "interstate.", NM),
]
ELSEWHERE = [
    tip("N-1", 2, "human_smuggling", "A pickup drops groups of people at a ranch road before dawn.", NM),
    tip("N-2", 7, "counterfeit_goods", "Knock-off perfume is sold out of a car trunk at the swap meet.", NM),
    tip("N-3", 11, "money_laundering", "A check cashing store moves far more cash than its customers.", NM),
    tip("N-4", 16, "weapons_export_control", "Scopes and triggers are boxed as toys and mailed overseas.", NM),
]
QUIET = {"city": "Gallup", "state": "NM"}
TOWN = [
    tip("Q-1", 3, "human_trafficking", "Workers at a motel cannot leave; the owner keeps their passports.", QUIET),
    tip("Q-2", 10, "human_trafficking", "Cleaning staff there sleep in the laundry room and are never paid.", QUIET),
]
# Two events at one ZIP with their own phones, then a report naming both phones.
APART = [
    tip("W-1", 2, "narcotics_smuggling", "Dealers work out of a laundromat on Central; the runner's number is "
        "(505) 318-2261.", ZIP),
    tip("W-2", 3, "weapons_export_control", "A shop ships rifle parts to Mexico labeled as auto parts; ask for "
        "Luis at (505) 604-7785.", ZIP),
    tip("W-3", 5, "other", "Both (505) 318-2261 and (505) 604-7785 keep calling my brother about a job.", ZIP),
]
# One event told three times, in other words: still one bundle.
SAME = [
    tip("S-1", 6, "counterfeit_goods", "Fake VELTRANO handbags are sold at a stall on 4th Street, cash only.",
        {"address": "1200 4th St SW", "city": "Albuquerque", "state": "NM", "zip": "87102"}),
    tip("S-2", 9, "counterfeit_goods", "The stall on 4th Street has counterfeit bags again this weekend.",
        {"address": "1200 4th St SW", "city": "Albuquerque", "state": "NM", "zip": "87102"}),
    tip("S-3", 14, "counterfeit_goods", "Replica VELTRANO bags, very cheap, stall on 4th Street.",
        {"address": "1200 4th St SW", "city": "Albuquerque", "state": "NM", "zip": "87102"}),
]


def test_a_chain_of_weakly_linked_events_does_not_collapse_into_one_bundle(
        fresh_database: str, cli_viewer: Viewer, tmp_path: Path) -> None:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    feed = tmp_path / "feed.jsonl"
    lines = sorted(CHAIN + ELSEWHERE + APART + SAME + TOWN, key=lambda line: json.loads(line)["received_at"])
    feed.write_text("\n".join(lines) + "\n")
    with unit_of_work(cli_viewer) as session:
        report = importer.import_file(session, cli_viewer, feed, source="chains", workers=1)
    assert report.created == 17 and report.bundles_merged == 0
    with unit_of_work(cli_viewer, readonly=True) as session:
        rows = session.execute(select(Tip.external_id, Tip.bundle_id, Tip.bundle_reason)).all()
    bundle = {ext: b for ext, b, _ in rows}
    reason = {ext: r for ext, _, r in rows}
    assert len({bundle[f"C-{i}"] for i in range(1, 6)} | {bundle[f"N-{i}"] for i in range(1, 5)}) == 9
    assert len({bundle["W-1"], bundle["W-2"]}) == 2
    assert bundle["W-3"] in (bundle["W-1"], bundle["W-2"]) and "joined" not in reason["W-3"]
    assert bundle["S-1"] == bundle["S-2"] == bundle["S-3"]
    assert "same street address" in reason["S-2"]
    assert bundle["Q-1"] == bundle["Q-2"] and "only event reported in that town" in reason["Q-2"]
    assert len(set(bundle.values())) == 9 + 2 + 1 + 1
