"""Reference files: the world's true parties, recordations, products, networks and planted facts."""

from __future__ import annotations

from pathlib import Path

from pathways.world.brands import Brands
from pathways.world.manifests import ManifestTruth
from pathways.world.networks import Network
from pathways.world.parties import Parties
from pathways.world.tips import TipTruth
from pathways.world.writers import write_csv

RECORDATION_COLUMNS = (
    "type", "registration_number", "mark", "owner", "owner_country", "classes", "goods",
    "authorized_manufacturers", "authorized_countries", "gray_market", "msrp_usd", "expires",
)
PRODUCT_COLUMNS = ("registration_number", "product", "category", "hts_code", "msrp_usd")
PARTY_COLUMNS = ("party_id", "kind", "name", "country", "address", "phone", "email", "dob", "role")


def write_recordations(out: Path, brands: Brands, parties: Parties) -> list[Path]:
    recs = brands.recordations
    rows = ([
        r.type, r.registration_number, r.mark, r.owner, r.owner_country, ";".join(str(c) for c in r.classes),
        r.goods, ";".join(f"{parties.name[m]}|{parties.country[m]}" for m in r.manufacturers),
        ";".join(r.authorized_countries), "true" if r.gray_market else "false", f"{r.msrp_usd:.2f}", r.expires,
    ] for r in recs)
    write_csv(out / "recordations.csv", RECORDATION_COLUMNS, rows)
    prows = ([recs[p.recordation].registration_number, p.product, p.category, p.hts_code, f"{p.msrp_usd:.2f}"]
             for p in brands.products)
    write_csv(out / "products.csv", PRODUCT_COLUMNS, prows)
    return [out / "recordations.csv", out / "products.csv"]


def write_parties(out: Path, parties: Parties) -> Path:
    rows = zip(parties.party_id, parties.kind, parties.name, parties.country, parties.address, parties.phone,
               parties.email, parties.dob, parties.role, strict=True)
    write_csv(out / "parties.csv", PARTY_COLUMNS, rows)
    return out / "parties.csv"


def write_networks(out: Path, networks: list[Network], parties: Parties) -> Path:
    rows = [(n.network_id, n.kind, parties.party_id[p], role) for n in networks for p, role in n.roles]
    write_csv(out / "truth" / "networks.csv", ("network_id", "kind", "party_id", "role"), rows)
    return out / "truth" / "networks.csv"


def write_manifest_truth(out: Path, truth: ManifestTruth, brands: Brands) -> Path:
    rows = ((line, "true" if cf else "false", brands.recordations[rec].registration_number if rec >= 0 else "", cue)
            for line, cf, rec, cue in truth.rows)
    path = out / "truth" / "manifest_lines.csv"
    write_csv(path, ("line_id", "is_counterfeit", "registration_number", "cue"), rows)
    return path


def write_mentions(out: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path = out / "truth" / "mentions.csv"
    write_csv(path, ("source", "record_id", "field", "party_id"), rows)
    return path


def write_tip_truth(out: Path, truth: TipTruth) -> list[Path]:
    a = out / "truth" / "tip_duplicates.csv"
    b = out / "truth" / "tip_offices.csv"
    write_csv(a, ("external_id", "duplicate_group"), truth.groups)
    write_csv(b, ("external_id", "office_code"), truth.offices)
    return [a, b]
