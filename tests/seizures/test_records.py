"""Detention and seizure records: numbers, clocks, lines, validation, and party history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from pathways.core.errors import InvalidInput, NotFound
from pathways.core.policy import OrgKind, Role, Viewer
from pathways.seizures import service
from pathways.seizures.models import Seizure
from pathways.store.policy import fetch_visible
from pathways.store.session import unit_of_work
from tests.conftest import unique


def parties(tag: str) -> service.Parties:
    return service.Parties(importer_name=f"Velvet Compass {tag} L.L.C.", importer_address="9646 Mill Road, Glendale",
                           shipper_name=f"Slir {tag} Supply K.K.", shipper_address="137 Forest Ave, Osaka",
                           consignee_name=f"Jane {tag}", consignee_address="1 Main St, Reno")


def test_party_key_folds_punctuation_case_and_scripts() -> None:
    assert service.party_key("Velvet Compass Wholesale L.L.C.") == "VELVET COMPASS WHOLESALE LLC"
    assert service.party_key("velvet  compass wholesale llc") == "VELVET COMPASS WHOLESALE LLC"
    assert service.party_key("Иванов Сергей") == "IVANOV SERGEY"


def test_business_days_skip_weekends() -> None:
    assert service.add_business_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday -> next Friday
    assert service.add_business_days(date(2026, 11, 23), 5) == date(2026, 11, 30)  # Monday -> next Monday


def test_detention_then_seizure_and_history(make_user: Callable[..., tuple[str, Viewer]]) -> None:
    _, officer = make_user(Role.BORDER_OFFICER)
    tag = unique("p")
    with unit_of_work(officer) as session:
        det = service.record_detention(session, officer, port_code="2704", entry_number="ABC-0000001-2",
                                       parties=parties(tag), detained_on=date(2026, 11, 20), mode="cargo",
                                       description="VELTRANA handbags", quantity=40,
                                       recordation_numbers=["TMK 26-00001"])
        assert det.detention_number.startswith("DT 26-") and det.status == "open"
        assert (det.notice_due_on, det.period_ends_on) == (date(2026, 11, 27), date(2026, 12, 20))
        assert "TMK 26-00001" in det.notice_text and "2026-12-20" in det.notice_text
        key = service.party_key(f"Slir {tag} Supply KK")
        assert service.party_history(session, [key])[key].detentions == 1
        seizure = service.record_seizure(
            session, officer, port_code="2704", mode="cargo", entry_number="ABC-0000001-2", parties=parties(tag),
            origin_country="cn", seized_on=date(2026, 12, 1), detention=det,
            lines=[service.LineIn("Handbags/Wallets", 40, "300", "12.50", record_number="TMK 26-00001",
                                  mark="VELTRANO"),
                   service.LineIn("Watches/Jewelry", 3, Decimal("99.99"))])
        assert seizure.seizure_number.startswith("SZ 26-") and len(seizure.seizure_number) == len("SZ 26-000123")
        assert seizure.fiscal_year == 2027 and seizure.origin_country == "CN" and det.status == "seized"
        assert [ln.msrp_total_usd for ln in seizure.lines] == [Decimal("12000.00"), Decimal("299.97")]
        assert seizure.msrp_total_usd == Decimal("12299.97")
        h = service.party_history(session, [key, service.party_key(f"Jane {tag}")])
        assert (h[key].seizures, h[key].detentions) == (1, 0)  # the detention became this seizure
        assert "1 seizure" in h[key].summary
        seizure_id = seizure.id
    # another organization's partner does not see the agency's seizure
    _, partner = make_user(Role.PARTNER, org_name=unique("Partner PD"), org_kind=OrgKind.PARTNER_DOMESTIC)
    with unit_of_work(partner) as session, pytest.raises(NotFound):
        fetch_visible(session, Seizure, seizure_id, partner)


def test_bad_seizures_are_refused(make_user: Callable[..., tuple[str, Viewer]]) -> None:
    _, officer = make_user(Role.BORDER_OFFICER)
    with unit_of_work(officer) as session:
        def seize(**over: object) -> None:
            args: dict[str, object] = {"port_code": "2704", "mode": "mail", "entry_number": "E1",
                                       "parties": parties("x"), "origin_country": "CN",
                                       "lines": [service.LineIn("Toys", 1, "10")]}
            args.update(over)
            service.record_seizure(session, officer, **args)  # type: ignore[arg-type]

        with pytest.raises(InvalidInput, match="product category 'Hats'"):
            seize(lines=[service.LineIn("Hats", 1, "10")])
        with pytest.raises(InvalidInput, match="quantity must be at least 1"):
            seize(lines=[service.LineIn("Toys", 0, "10")])
        with pytest.raises(InvalidInput, match="mode 'rail'"):
            seize(mode="rail")
        with pytest.raises(InvalidInput, match="at least one line"):
            seize(lines=[])
        with pytest.raises(InvalidInput, match="MSRP 'abc' is not a number"):
            seize(lines=[service.LineIn("Toys", 1, "abc")])
