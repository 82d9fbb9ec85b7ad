"""Blocking: which pairs of records are compared at all, and the same keys for one new record.

Each rule is an equality on normalized columns, so DuckDB answers it with a hash join (an ``OR`` or a
fuzzy condition would be a near-cross join). The rules together keep at least 99% of true pairs (see
docs/resolve.md for the measured share). An address shared by many names is left out of address blocking.
"""

from __future__ import annotations

from typing import Any

_COMMON_ADDRESS_FREE = "l.address_common = 0 AND r.address_common = 0"
_IDENTIFIERS = ("l.email_n = r.email_n", "l.phone_n = r.phone_n", "l.identifier_n = r.identifier_n")

_RULES: dict[str, tuple[str, ...]] = {
    "person": (
        *_IDENTIFIERS,
        "l.name_key = r.name_key",
        "l.last_n = r.last_n AND l.dob_n = r.dob_n",
        "l.first_n = r.first_n AND l.dob_n = r.dob_n",
        "l.last_n = r.last_n AND l.first_sound = r.first_sound",
        # one typo in a family name leaves its first or its last four letters alone
        "l.first_n = r.first_n AND left(l.last_n, 4) = left(r.last_n, 4)",
        "l.first_n = r.first_n AND right(l.last_n, 4) = right(r.last_n, 4)",
        # a typo in the name and another in the address: the house number and one name still agree
        "l.house_n = r.house_n AND l.first_n = r.first_n",
        "l.house_n = r.house_n AND l.last_n = r.last_n",
        f"l.street_n = r.street_n AND {_COMMON_ADDRESS_FREE}",
    ),
    "organization": (
        *_IDENTIFIERS,
        "l.name_key = r.name_key",
        "substr(l.name_key, 1, 10) = substr(r.name_key, 1, 10)",
        "l.house_n = r.house_n AND left(l.name_key, 3) = left(r.name_key, 3)",
        "l.house_n = r.house_n AND right(l.name_key, 3) = right(r.name_key, 3)",
        f"l.street_n = r.street_n AND {_COMMON_ADDRESS_FREE}",
    ),
    "address": (
        "l.street_n = r.street_n",
        "l.postcode_n = r.postcode_n AND substr(l.street_n, 1, 4) = substr(r.street_n, 1, 4)",
        "substr(l.street_n, 1, 10) = substr(r.street_n, 1, 10) AND l.country_n = r.country_n",
    ),
}

# EM sessions rotate rules: a field in a training rule cannot be estimated in that session.
TRAINING_RULES: dict[str, tuple[str, ...]] = {
    "person": ("l.dob_n = r.dob_n", "l.name_key = r.name_key"),
    "organization": ("l.name_key = r.name_key", "l.street_n = r.street_n AND l.postcode_n = r.postcode_n"),
    "address": ("l.postcode_n = r.postcode_n", "l.street_n = r.street_n"),
}
# Rules that admit almost no false pairs, for the prior probability that two records match.
DETERMINISTIC_RULES: dict[str, tuple[str, ...]] = {
    "person": ("l.name_key = r.name_key AND l.dob_n = r.dob_n", "l.email_n = r.email_n",
               "l.name_key = r.name_key AND l.street_n = r.street_n"),
    "organization": ("l.name_key = r.name_key AND l.country_n = r.country_n", "l.email_n = r.email_n",
                     "l.name_key = r.name_key AND l.street_n = r.street_n"),
    "address": ("l.street_n = r.street_n AND l.postcode_n = r.postcode_n",),
}


def prediction_rules(kind: str) -> list[str]:
    return list(_RULES[kind])


def candidate_keys(record: dict[str, Any]) -> list[str]:
    """The blocking keys of one featured record (see ``features``), for an index of existing records:
    every pair a prediction rule compares shares at least one key (some keys fetch a few more)."""
    kind = record.get("entity_kind") or "organization"
    get = lambda c: record.get(c) or None  # noqa: E731
    keys: list[str] = []

    def add(name: str, *parts: Any) -> None:
        if all(parts):
            keys.append(f"{kind}:{name}:" + "|".join(str(p) for p in parts))

    if kind in ("person", "organization"):
        add("email", get("email_n"))
        add("phone", get("phone_n"))
        add("identifier", get("identifier_n"))
        add("name", get("name_key"))
        if not record.get("address_common"):
            add("street", get("street_n"))
    first = get("first_n") or ""
    if kind == "person":
        add("last_dob", get("last_n"), get("dob_n"))
        add("first_dob", first, get("dob_n"))
        add("last_first_sound", get("last_n"), get("first_sound"))
        last = get("last_n") or ""
        add("first_last_head", first, last[:4])
        add("first_last_tail", first, last[-4:])
        add("house_first", get("house_n"), first)
        add("house_last", get("house_n"), get("last_n"))
    elif kind == "organization":
        name_key = get("name_key") or ""
        add("name_head", name_key[:10])
        add("house_name_head", get("house_n"), name_key[:3])
        add("house_name_tail", get("house_n"), name_key[-3:])
    else:
        street = get("street_n") or ""
        add("street", street)
        add("postcode_street", get("postcode_n"), street[:4])
        add("street_country", street[:10], get("country_n"))
    return keys
