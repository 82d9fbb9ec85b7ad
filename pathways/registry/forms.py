"""The portal's filing form: plain text fields, one item a line, read into ``RecordationIn``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from pathways.core.errors import InvalidInput
from pathways.registry.schemas import ProductIn, RecordationIn

FIELDS = ("kind", "registration_number", "registration_date", "expires_on", "mark", "owner_name", "owner_address",
          "owner_country", "classes", "places_of_manufacture", "authorized", "affiliates", "gray_market",
          "gray_market_differences", "msrp_usd", "products", "guide_text", "contacts")


def _lines(text: str) -> list[list[str]]:
    return [[p.strip() for p in line.split("|")] for line in text.splitlines() if line.strip()]


def _classes(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        number, sep, goods = line.partition(":")
        if not sep or not number.strip().isdigit():
            raise InvalidInput(f"classes: write each as 'number: goods', e.g. '25: clothing' (not {line.strip()!r})")
        out.append({"number": int(number), "goods": goods.strip()})
    return out


def products(text: str) -> list[ProductIn]:
    items = []
    for parts in _lines(text):
        if len(parts) < 2:
            raise InvalidInput(f"products: write each as 'name | MSRP in USD' (not {' | '.join(parts)!r})")
        try:
            items.append(ProductIn(name=parts[0], msrp_usd=parts[1].replace(",", "").lstrip("$"),  # type: ignore[arg-type]
                                   hts_code=parts[2] if len(parts) > 2 and parts[2] else None))
        except ValidationError as exc:
            raise InvalidInput(f"products: {parts[0]!r}: {exc.errors()[0]['msg']}") from None
    return items


def parse(form: Mapping[str, str]) -> RecordationIn:
    """Form fields as a filing; InvalidInput names the field that is wrong."""
    f = {k: (form.get(k) or "").strip() for k in FIELDS}
    data: dict[str, Any] = {
        "kind": f["kind"] or "trademark",
        "registration_number": f["registration_number"],
        "registration_date": f["registration_date"] or None,
        "expires_on": f["expires_on"] or None,
        "mark": f["mark"],
        "owner_name": f["owner_name"],
        "owner_address": f["owner_address"],
        "owner_country": f["owner_country"].upper(),
        "classes": _classes(f["classes"]),
        "places_of_manufacture": [c.strip().upper() for c in f["places_of_manufacture"].replace(";", ",").split(",")
                                  if c.strip()],
        "authorized": [{"name": p[0], "country": (p[1] if len(p) > 1 else "").upper(),
                        "role": (p[2] if len(p) > 2 and p[2] else "manufacturer").lower(),
                        "use": p[3] if len(p) > 3 else ""} for p in _lines(f["authorized"])],
        "affiliates": [{"name": p[0], "country": (p[1] if len(p) > 1 else "").upper(),
                        "relation": (p[2] if len(p) > 2 else "").lower()} for p in _lines(f["affiliates"])],
        "gray_market": f["gray_market"] in ("on", "true", "1", "yes"),
        "gray_market_differences": f["gray_market_differences"],
        "msrp_usd": f["msrp_usd"].replace(",", "").lstrip("$") or None,
        "products": [p.model_dump() for p in products(f["products"])],
        "guide_text": f["guide_text"],
        "contacts": [{"name": p[0], "email": p[1] if len(p) > 1 else "", "phone": p[2] if len(p) > 2 else ""}
                     for p in _lines(f["contacts"])],
    }
    try:
        return RecordationIn.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"]) or "form"
            problems.append(f"{where.replace('_', ' ')}: {e['msg']}")
        raise InvalidInput("; ".join(problems)) from None
