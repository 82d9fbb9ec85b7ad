"""Registry fixtures: a rights owner of its own organization, an import specialist, a filing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from pathways.core.policy import OrgKind, Role, Viewer
from pathways.registry.schemas import RecordationIn
from tests.conftest import unique


@pytest.fixture()
def owner(make_user: Callable[..., tuple[str, Viewer]]) -> Viewer:
    _, viewer = make_user(Role.RIGHTS_OWNER, org_name=unique("Brand Owner"), org_kind=OrgKind.RIGHTS_OWNER)
    return viewer


@pytest.fixture()
def officer(make_user: Callable[..., tuple[str, Viewer]]) -> Viewer:
    return make_user(Role.BORDER_OFFICER)[1]


def filing(**over: Any) -> RecordationIn:
    data: dict[str, Any] = {
        "kind": "trademark",
        "registration_number": unique("REG"),
        "registration_date": date(2020, 3, 1),
        "expires_on": date(2030, 3, 1),
        "mark": unique("MARK").upper(),
        "owner_name": "Quorvela Brands S.p.A.",
        "owner_address": "Via Roma 1, Milano",
        "owner_country": "IT",
        "classes": [{"number": 25, "goods": "clothing; footwear"}, {"number": 18, "goods": "handbags"}],
        "places_of_manufacture": ["IT"],
        "authorized": [{"name": "Fabbrica Nord S.r.l.", "country": "IT", "role": "manufacturer",
                        "use": "manufacture of footwear"},
                       {"name": "Lotus Trading Ltd.", "country": "VN", "role": "licensee", "use": "distribution"}],
        "affiliates": [{"name": "Quorvela USA Inc.", "country": "US", "relation": "subsidiary"}],
        "gray_market": True,
        "gray_market_differences": "US models carry a stitched English care label; foreign models do not.",
        "msrp_usd": "420.00",
        "products": [{"name": "Leather sneaker", "msrp_usd": "420.00", "hts_code": "6403.99"}],
        "guide_text": "Genuine pairs have a laser-etched serial under the insole.",
        "contacts": [{"name": "IP desk", "email": "ip@quorvela.example", "phone": "+39 02 555 0100"}],
    }
    data.update(over)
    return RecordationIn.model_validate(data)
