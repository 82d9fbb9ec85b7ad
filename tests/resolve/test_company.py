"""The company a party keeps: a bare name joins the person named beside the same parties in other records,
and not a namesake who keeps other company; initials are not "the same words in another order"."""

from __future__ import annotations

import polars as pl
import pytest

from pathways.resolve.linkage import LinkSettings, link
from pathways.resolve.records import records_from_rows

GIVEN = ["Ana", "Bruno", "Carla", "Dario", "Elena", "Fabio", "Gina", "Hugo", "Irene", "Jonas", "Karin", "Lorenzo",
         "Marta", "Nico", "Olga", "Paolo", "Rita", "Sergio", "Tina", "Ugo"]
FAMILY = ["Bianchi", "Conti", "Esposito", "Ferrari", "Galli", "Lombardi", "Marino", "Moretti", "Ricci", "Romano"]


def _tips() -> list[dict[str, str | None]]:
    """Tips naming two people each: a background of pairs, the ring of Steven Kim and Carol Jones, and a
    Steven Kim named alone (a namesake for all the file knows)."""
    rows: list[dict[str, str | None]] = []
    for i in range(100):
        a, b = f"{GIVEN[i % 20]} {FAMILY[i % 10]}", f"{GIVEN[(i * 7 + 3) % 20]} {FAMILY[(i * 3 + 1) % 10]}"
        rows.append({"id": f"bg{i:03d}:0", "record": f"bg{i:03d}", "name": a, "phone": f"+1202555{i:04d}"})
        rows.append({"id": f"bg{i:03d}:1", "record": f"bg{i:03d}", "name": b, "email": f"p{i}@mail.example"})
    ring = [("t1", {"email": "steven.kim@inboxly.example"}, {"phone": "+12015550100"}),
            ("t2", {"email": "steven.kim@inboxly.example", "dob": "1976-05-07"}, {"phone": "+12015550100"}),
            ("t3", {"phone": "+19177690998", "email": "steven.kim@inboxly.example"}, {"phone": "+12015550100"}),
            ("t4", {}, {"phone": "+12015550100"})]
    for tip, kim, jones in ring:
        rows.append({"id": f"{tip}:0", "record": tip, "name": "Steven Kim", **kim})
        rows.append({"id": f"{tip}:1", "record": tip, "name": "Carol Jones", **jones})
    rows.append({"id": "t9:0", "record": "t9", "name": "Steven Kim"})
    return rows


@pytest.mark.parametrize("review_low", [0.3, 0.9])
def test_a_bare_name_joins_the_person_named_beside_the_same_party_elsewhere(review_low: float) -> None:
    """With the review band starting at the threshold, the bare name's pairs are below the band until
    the company lifts them: they are worded then, field by field, and the company's words follow."""
    out = link(records_from_rows(_tips()), settings=LinkSettings(threshold=0.9, review_band=(review_low, 0.9)))
    cluster = dict(zip(out.clusters.column("id").to_pylist(), out.clusters.column("cluster_id").to_pylist(),
                       strict=True))
    assert cluster["t1:0"] == cluster["t2:0"] == cluster["t3:0"]
    assert cluster["t4:0"] == cluster["t1:0"]  # the bare name, beside Carol Jones as in t1-t3
    assert cluster["t9:0"] != cluster["t1:0"]  # the same bare name, alone: no company, no join
    pairs = pl.from_arrow(out.pairs)
    assert isinstance(pairs, pl.DataFrame)
    why = pairs.filter(pl.col("id_l").is_in(["t1:0", "t2:0", "t3:0"]) & (pl.col("id_r") == "t4:0"))
    assert why.height and why["explanation"].null_count() == 0
    assert why["explanation"].str.contains("named beside the same party in other records").all()
    assert why["explanation"].str.contains("^same given name [+][0-9.]+; same family name [+][0-9.]+; ").all()


def test_company_from_the_same_record_counts_for_nothing() -> None:
    rows: list[dict[str, str | None]] = [
        {"id": "a", "record": "r1", "name": "Steven Kim"},
        {"id": "b", "record": "r1", "name": "Steven Kim", "email": "steven.kim@inboxly.example"},
        {"id": "c", "record": "r1", "name": "Carol Jones", "phone": "+12015550100"}]
    out = link(records_from_rows(rows), settings=LinkSettings(review_band=(0.0, 0.9)))
    assert "named beside" not in " ".join(out.pairs.column("explanation").to_pylist())


def test_initials_are_not_the_same_name_in_another_order() -> None:
    rows: list[dict[str, str | None]] = [
        {"id": "r", "name": "R. Johnson", "address": "12 Oak St, Dayton, OH 45402"},
        {"id": "d", "name": "D. Johnson", "address": "12 Oak St, Dayton, OH 45402"},
        {"id": "s", "name": "Johnson Sergei", "address": "12 Oak St, Dayton, OH 45402"},
        {"id": "t", "name": "Sergei Johnson", "address": "12 Oak St, Dayton, OH 45402"}]
    out = link(records_from_rows(rows), settings=LinkSettings(review_band=(0.0, 0.9)))
    words = {(p["id_l"], p["id_r"]): p["explanation"] for p in out.pairs.to_pylist()}
    assert "another order" not in words[("d", "r")]
    assert "different given name" in words[("d", "r")]
    assert "same name words in another order" in words[("s", "t")]
