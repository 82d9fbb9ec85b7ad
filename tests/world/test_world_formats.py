"""Every file has exactly the columns docs/formats.md promises."""

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq

MANIFEST_COLUMNS = ["line_id", "entry_number", "arrival_date", "port_code", "mode", "importer_name",
                    "importer_address", "importer_country", "shipper_name", "shipper_address", "shipper_country",
                    "consignee_name", "consignee_address", "origin_country", "hts_code", "description", "quantity",
                    "unit_value_usd"]
CSV_HEADERS = {
    "recordations.csv": ["type", "registration_number", "mark", "owner", "owner_country", "classes", "goods",
                         "authorized_manufacturers", "authorized_countries", "gray_market", "msrp_usd", "expires"],
    "products.csv": ["registration_number", "product", "category", "hts_code", "msrp_usd"],
    "parties.csv": ["party_id", "kind", "name", "country", "address", "phone", "email", "dob", "role"],
    "seizures.csv": ["seizure_number", "seizure_date", "port_code", "mode", "entry_number", "importer_name",
                     "importer_address", "shipper_name", "shipper_address", "origin_country", "registration_number",
                     "product_category", "description", "quantity", "msrp_unit_usd", "domestic_value_usd",
                     "disposition"],
    "truth/manifest_lines.csv": ["line_id", "is_counterfeit", "registration_number", "cue"],
    "truth/mentions.csv": ["source", "record_id", "field", "party_id"],
    "truth/networks.csv": ["network_id", "kind", "party_id", "role"],
    "truth/tip_duplicates.csv": ["external_id", "duplicate_group"],
    "truth/tip_offices.csv": ["external_id", "office_code"],
}
TIP_KEYS = {"external_id", "received_at", "channel", "category", "narrative", "location", "tipster", "subjects",
            "attachments"}
TIP_CATEGORIES = {"child_exploitation", "human_smuggling", "human_trafficking", "counterfeit_goods",
                  "narcotics_smuggling", "weapons_export_control", "money_laundering", "cyber_crime", "other"}


def test_csv_headers(world_dir: Path):
    for name, header in CSV_HEADERS.items():
        with (world_dir / name).open(newline="", encoding="utf-8") as f:
            assert next(csv.reader(f)) == header, name


def test_manifest_parquet_schema(world_dir: Path, tiny_world):
    parts = sorted((world_dir / "manifests").glob("part-*.parquet"))
    assert parts
    total = 0
    for p in parts:
        table = pq.read_table(p)
        assert table.column_names == MANIFEST_COLUMNS
        total += table.num_rows
    assert total == tiny_world.counts["manifest_lines"]
    mentions = pq.read_table(sorted((world_dir / "truth" / "manifest_mentions").glob("*.parquet"))[0])
    assert mentions.column_names == ["source", "record_id", "field", "party_id"]


def test_tips_shape(world_dir: Path):
    seen = set()
    for line in (world_dir / "tips.jsonl").read_text(encoding="utf-8").splitlines():
        tip = json.loads(line)
        assert set(tip) <= TIP_KEYS
        assert {"external_id", "received_at", "channel", "narrative", "location"} <= set(tip)
        assert tip["external_id"] not in seen
        seen.add(tip["external_id"])
        assert tip["received_at"].endswith("Z")
        assert set(tip["location"]) <= {"address", "city", "state", "zip", "country"}
        if "category" in tip:
            assert tip["category"] in TIP_CATEGORIES
        for s in tip.get("subjects", []):
            assert set(s) <= {"name", "dob", "phone", "email", "username", "address"}
        if "tipster" in tip:
            assert set(tip["tipster"]) <= {"name", "phone", "email"}
    assert len(seen) == 1000


def test_recordation_values(world_dir: Path):
    with (world_dir / "recordations.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert 250 <= len(rows) <= 350
    assert {r["type"] for r in rows} <= {"trademark", "copyright", "trade_name"}
    assert len({r["registration_number"] for r in rows}) == len(rows)
    assert len({r["mark"] for r in rows}) == len(rows)
    for r in rows:
        for m in r["authorized_manufacturers"].split(";"):
            name, country = m.rsplit("|", 1)
            assert name and len(country) == 2
            assert country in r["authorized_countries"].split(";")
        assert r["gray_market"] in ("true", "false")
        assert all(c.isdigit() for c in r["classes"].split(";") if c)
        if r["type"] == "trademark":
            assert len(r["goods"].split(";")) == len(r["classes"].split(";"))
