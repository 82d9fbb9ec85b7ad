"""Seizure history, derived from the counterfeit lines the world actually shipped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pathways.world.brands import Brands
from pathways.world.rng import stream

SEIZURE_COLUMNS = (
    "seizure_number", "seizure_date", "port_code", "mode", "entry_number", "importer_name", "importer_address",
    "shipper_name", "shipper_address", "origin_country", "registration_number", "product_category",
    "description", "quantity", "msrp_unit_usd", "domestic_value_usd", "disposition",
)
_SEIZE_P = {"express": 0.35, "mail": 0.30, "cargo": 0.55, "passenger": 0.8}
_LAST_DAY = dt.date(2026, 9, 30)


def fiscal_year(d: dt.date) -> int:
    return d.year + 1 if d.month >= 10 else d.year


def build_seizures(seed: int, counterfeit: list[dict[str, Any]], brands: Brands) -> tuple[list[list[Any]],
                                                                                           list[dict[str, Any]]]:
    """Rows for seizures.csv and, per row, the line it came from (for truth mentions)."""
    rng = stream(seed, "seizures")
    by_entry: dict[str, list[dict[str, Any]]] = {}
    for line in counterfeit:
        by_entry.setdefault(line["entry_number"], []).append(line)
    entries = sorted(by_entry, key=lambda e: (by_entry[e][0]["arrival_date"], e))
    rows: list[list[Any]] = []
    sources: list[dict[str, Any]] = []
    seq: dict[tuple[int, str], int] = {}
    for entry in entries:
        lines = by_entry[entry]
        first = lines[0]
        if rng.random() >= _SEIZE_P[first["mode"]]:
            continue
        day: dt.date = first["arrival_date"] + dt.timedelta(days=int(rng.integers(1, 46)))
        fy = fiscal_year(day)
        key = (fy, first["port_code"])
        seq[key] = seq.get(key, 0) + 1
        number = f"{fy}{first['port_code']}{seq[key]:06d}"
        recent = (_LAST_DAY - day).days < 120
        r = rng.random()
        disposition = "pending" if recent and r < 0.6 else (
            "forfeited" if r < 0.65 else "destroyed" if r < 0.9 else "abandoned")
        for line in lines:
            rec = brands.recordations[line["recordation"]]
            qty = int(line["quantity"])
            domestic = round(qty * float(line["unit_value"]) * float(rng.uniform(1.1, 1.6)), 2)
            rows.append([
                number, day.isoformat(), first["port_code"], first["mode"], entry, line["importer_name"],
                line["importer_address"], line["shipper_name"], line["shipper_address"], line["origin_country"],
                rec.registration_number, line["product_category"], line["description"], qty,
                f"{float(line['msrp']):.2f}", f"{domestic:.2f}", disposition,
            ])
            sources.append(line)
    return rows, sources


def seizure_record_ids(rows: list[list[Any]]) -> list[str]:
    """Record id of each seizure row: seizure_number/n, n the row's 1-based position within its seizure."""
    out: list[str] = []
    count: dict[str, int] = {}
    for row in rows:
        count[row[0]] = count.get(row[0], 0) + 1
        out.append(f"{row[0]}/{count[row[0]]}")
    return out
