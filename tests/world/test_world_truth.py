"""The ground truth agrees with the files it describes."""

import csv
import json
from pathlib import Path

import polars as pl
import zipcodes

from pathways.identity.offices_file import load_offices, office_by_code, office_for_country, office_for_us_location
from pathways.world.names import REAL_MARK_DENYLIST


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _manifests(world_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(sorted((world_dir / "manifests").glob("*.parquet")))


def test_counterfeit_lines_reference_recordations_and_share_is_bounded(world_dir: Path):
    regnos = {r["registration_number"] for r in _rows(world_dir / "recordations.csv")}
    truth = _rows(world_dir / "truth" / "manifest_lines.csv")
    lines = _manifests(world_dir)
    ids = set(lines["line_id"].to_list())
    counterfeit = [t for t in truth if t["is_counterfeit"] == "true"]
    for t in truth:
        assert t["line_id"] in ids
        if t["is_counterfeit"] == "true" or t["cue"] in ("compatibility", "embedded_word", "similar_legit_mark"):
            assert t["registration_number"] in regnos
    assert 0.01 <= len(counterfeit) / lines.height <= 0.03
    cues = {c.split(";")[0] for c in (t["cue"] for t in counterfeit)}
    assert {"exact", "typo", "homoglyph"} <= cues
    assert {t["cue"] for t in truth} >= {"compatibility", "embedded_word"}


def test_counterfeit_lines_are_undervalued(world_dir: Path):
    products = _rows(world_dir / "products.csv")
    top = {}
    for p in products:
        top[p["registration_number"]] = max(top.get(p["registration_number"], 0.0), float(p["msrp_usd"]))
    rows = _rows(world_dir / "truth" / "manifest_lines.csv")
    truth = {t["line_id"]: t for t in rows if t["is_counterfeit"] == "true"}
    lines = _manifests(world_dir).filter(pl.col("line_id").is_in(list(truth)))
    for line_id, value in zip(lines["line_id"], lines["unit_value_usd"], strict=True):
        assert value <= max(0.5, 0.16 * top[truth[line_id]["registration_number"]])


def test_mentions_networks_and_parties(world_dir: Path):
    parties = {r["party_id"]: r for r in _rows(world_dir / "parties.csv")}
    mentions = _rows(world_dir / "truth" / "mentions.csv")
    assert mentions
    assert all(m["party_id"] in parties for m in mentions)
    manifest_mentions = pl.read_parquet(sorted((world_dir / "truth" / "manifest_mentions").glob("*.parquet")))
    assert set(manifest_mentions["party_id"].unique().to_list()) <= parties.keys()
    assert manifest_mentions.height == 3 * _manifests(world_dir).height
    nets = _rows(world_dir / "truth" / "networks.csv")
    assert all(n["party_id"] in parties for n in nets)
    by_net: dict[str, set[str]] = {}
    for n in nets:
        by_net.setdefault(n["network_id"], set()).add(n["role"])
    assert all("leader" in roles for roles in by_net.values())
    # network parties really appear in the manifests and in the tips
    members = {n["party_id"] for n in nets}
    assert members & set(manifest_mentions["party_id"].to_list())
    assert members & {m["party_id"] for m in mentions if m["source"] == "tips.jsonl"}


def test_seizures_reference_recordations_and_lines(world_dir: Path):
    regnos = {r["registration_number"] for r in _rows(world_dir / "recordations.csv")}
    seizures = _rows(world_dir / "seizures.csv")
    entries = set(_manifests(world_dir)["entry_number"].to_list())
    assert seizures
    for s in seizures:
        assert s["registration_number"] in regnos
        assert s["entry_number"] in entries
        assert s["mode"] in ("express", "mail", "cargo", "passenger")
    origins = {s["origin_country"] for s in seizures}
    assert "CN" in origins and "HK" in origins
    fiscal_years = {int(s["seizure_date"][:4]) + (int(s["seizure_date"][5:7]) >= 10) for s in seizures}
    assert len(fiscal_years) >= 5


def _county_of_zip(z: str) -> tuple[str, str]:
    row = zipcodes.matching(z)[0]
    return row["state"], row["county"]


def test_tip_offices_follow_the_aor(world_dir: Path):
    offices = load_offices()
    codes = {o.code for o in offices}
    truth = {r["external_id"]: r["office_code"] for r in _rows(world_dir / "truth" / "tip_offices.csv")}
    groups = {r["external_id"]: r["duplicate_group"] for r in _rows(world_dir / "truth" / "tip_duplicates.csv")}
    tips = [json.loads(x) for x in (world_dir / "tips.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(truth) == {t["external_id"] for t in tips} == set(groups)
    kinds = set()
    for tip in tips:
        code = truth[tip["external_id"]]
        assert code in codes
        loc = tip["location"]
        office = office_by_code(offices, code)
        kinds.add(office.kind)
        if not loc:
            assert office.kind == "hq_triage"
        elif "zip" in loc:
            state, county = _county_of_zip(loc["zip"])
            assert office_for_us_location(offices, state, county) == code
        elif "state" in loc and "city" in loc:
            counties = {r["county"] for r in zipcodes.filter_by(state=loc["state"])
                        if r["county"] and r["city"].title() == loc["city"]}
            assert counties
            assert {office_for_us_location(offices, loc["state"], c) for c in counties} == {code}
        elif "state" in loc:
            assert office_for_us_location(offices, loc["state"]) == code
        else:
            assert office_for_country(offices, loc["country"]) == code
    assert kinds == {"field_office", "attache_office", "hq_triage"}


def test_duplicates_include_a_viral_post(world_dir: Path):
    groups = [r["duplicate_group"] for r in _rows(world_dir / "truth" / "tip_duplicates.csv")]
    sizes = sorted((groups.count(g) for g in set(groups)), reverse=True)
    assert sizes[0] >= 10
    assert sum(1 for s in sizes if s > 1) >= 20


def test_no_real_marks(world_dir: Path):
    for r in _rows(world_dir / "recordations.csv"):
        words = set(r["mark"].split()) | {r["mark"].replace(" ", "")}
        assert not words & REAL_MARK_DENYLIST, r["mark"]
    famous = {"ROLEX", "GUCCI", "NIKE", "LOUIS VUITTON", "CHANEL", "APPLE", "DISNEY"}
    text = (world_dir / "recordations.csv").read_text(encoding="utf-8").upper()
    assert not [f for f in famous if f",{f}," in text]


def test_mentions_are_written_with_variants(world_dir: Path):
    parties = {r["party_id"]: r for r in _rows(world_dir / "parties.csv")}
    lines = _manifests(world_dir).select("line_id", "importer_name", "shipper_name")
    mentions = pl.read_parquet(sorted((world_dir / "truth" / "manifest_mentions").glob("*.parquet")))
    shippers = mentions.filter(pl.col("field") == "shipper").join(lines, left_on="record_id", right_on="line_id")
    written = shippers["shipper_name"].to_list()
    canonical = [parties[p]["name"] for p in shippers["party_id"].to_list()]
    differ = sum(a != b for a, b in zip(written, canonical, strict=True)) / len(written)
    assert 0.2 < differ < 0.7
    # one party, several spellings; and the spellings of different parties stay apart
    per_party = shippers.group_by("party_id").agg(pl.col("shipper_name").n_unique().alias("n"))
    assert per_party["n"].max() >= 3


def test_rings_rotate_shells(world_dir: Path):
    nets = _rows(world_dir / "truth" / "networks.csv")
    ring_parties = {n["party_id"] for n in nets if n["kind"] == "counterfeiting_ring"}
    truth = {t["line_id"] for t in _rows(world_dir / "truth" / "manifest_lines.csv") if t["is_counterfeit"] == "true"}
    mentions = pl.read_parquet(sorted((world_dir / "truth" / "manifest_mentions").glob("*.parquet")))
    used = mentions.filter(pl.col("record_id").is_in(list(truth)) & (pl.col("field") == "shipper"))
    ring_shippers = set(used["party_id"].to_list()) & ring_parties
    assert len(ring_shippers) >= 4


def test_hard_negatives_really_mention_the_mark(world_dir: Path):
    marks = {r["registration_number"]: r["mark"] for r in _rows(world_dir / "recordations.csv")}
    truth = {t["line_id"]: t for t in _rows(world_dir / "truth" / "manifest_lines.csv")}
    lines = _manifests(world_dir).filter(pl.col("line_id").is_in(list(truth)))
    checked = 0
    for line_id, desc in zip(lines["line_id"], lines["description"], strict=True):
        t = truth[line_id]
        mark = marks.get(t["registration_number"], "")
        cue = t["cue"].split(";")[0]
        if cue in ("compatibility", "embedded_word", "similar_legit_mark", "exact"):
            assert mark.lower() in desc.lower(), (cue, mark, desc)
            checked += 1
        if cue == "embedded_word":
            assert mark.lower() not in desc.lower().split()  # inside a word, never a word of its own
    assert checked > 50
