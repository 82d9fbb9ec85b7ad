"""The rights-owner portal and agency review: fees, filing, approval, rejection, renewals, ownership."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from pathways.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from pathways.core.policy import Role, anonymous
from pathways.registry import service
from pathways.registry.fees import fee_for
from pathways.registry.models import Recordation
from pathways.registry.schemas import OwnershipIn, ProductIn
from pathways.registry.search import SearchQuery, search
from pathways.store.audit import AuditEvent
from pathways.store.numbers import RecordNumberCounter
from pathways.store.session import unit_of_work
from tests.registry.conftest import filing


def test_fees_follow_the_schedule() -> None:
    assert fee_for("new", "trademark", 3).amount_usd == Decimal(570)
    assert fee_for("new", "trademark", 3).detail == "3 classes × 190 USD"
    assert fee_for("new", "copyright", 0).amount_usd == Decimal(190)
    assert fee_for("renewal", "trademark", 2).amount_usd == Decimal(160)
    assert fee_for("renewal", "copyright", 0).amount_usd == Decimal(80)
    assert fee_for("change_of_ownership", "trademark", 9).amount_usd == Decimal(80)


def test_a_filing_is_pending_numbered_and_seen_only_by_its_owner_and_the_agency(owner, officer, make_user) -> None:  # type: ignore[no-untyped-def]
    data = filing()
    with unit_of_work(owner) as session:
        rec, req = service.file_recordation(session, owner, data)
        rid, number = rec.id, rec.record_number
        assert req.fee_usd == Decimal(380) and req.status == "pending"
    assert re.fullmatch(rf"TMK {date.today().year % 100:02d}-\d{{5}}", number)
    with unit_of_work(officer) as session:
        assert service.get(session, officer, rid).status == "pending"
    _, other_owner = make_user(Role.RIGHTS_OWNER, org_name="Another brand owner", org_kind=service.OrgKind.RIGHTS_OWNER)
    for stranger in (anonymous(), other_owner):
        with unit_of_work(stranger) as session, pytest.raises(NotFound):
            service.get(session, stranger, rid)
        with unit_of_work(stranger) as session:
            assert search(session, stranger, SearchQuery(q=data.mark)).total == 0


def test_approval_publishes_and_notifies_rejection_needs_a_reason(owner, officer) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(owner) as session:
        rec, req = service.file_recordation(session, owner, filing(mark="QUORVELA"))
        rid, req_id = rec.id, req.id
        _, second = service.file_recordation(session, owner, filing(mark="QUORVELA SPORT"))
        second_id = second.id
    with unit_of_work(officer) as session:
        queue = {r.id for r, _ in service.pending_requests(session, officer)}
        assert {req_id, second_id} <= queue
        service.decide(session, officer, req_id, approve=True)
        with pytest.raises(InvalidInput, match="reason"):
            service.decide(session, officer, second_id, approve=False, reason=" ")
        service.decide(session, officer, second_id, approve=False, reason="The registration has lapsed.")
        with pytest.raises(Conflict):
            service.decide(session, officer, req_id, approve=True)
    with unit_of_work(anonymous()) as session:
        found = search(session, anonymous(), SearchQuery(q="quorvela"))
        assert rid in {h.recordation.id for h in found.hits}
        assert all(h.recordation.status in ("active", "expired") for h in found.hits)
    with unit_of_work(owner) as session:
        messages = [n.message for n in service.notices(session, owner)]
        assert any("was approved" in m for m in messages)
        assert any("rejected: The registration has lapsed." in m for m in messages)
    with unit_of_work(officer) as session:
        actions = set(session.execute(select(AuditEvent.action).where(AuditEvent.object_id == rid)).scalars())
        assert {"create", "update"} <= actions


def test_only_rights_owners_file_and_only_specialists_decide(owner, officer, make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(officer) as session, pytest.raises(Forbidden):
        service.file_recordation(session, officer, filing())
    with unit_of_work(owner) as session:
        _, req = service.file_recordation(session, owner, filing())
        req_id = req.id
    _, analyst = make_user(Role.INTELLIGENCE_ANALYST)
    for who in (owner, analyst):
        with unit_of_work(who) as session, pytest.raises(Forbidden):
            service.decide(session, who, req_id, approve=True)


def test_guides_may_not_instruct_officers_to_detain_or_seize(owner) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(owner) as session, pytest.raises(InvalidInput, match="may not instruct officers to detain"):
        service.file_recordation(session, owner, filing(guide_text="Fakes lack the hologram: seize them at once."))
    with unit_of_work(owner) as session:
        rec, _ = service.file_recordation(session, owner, filing())
        rid = rec.id
    with unit_of_work(owner) as session, pytest.raises(InvalidInput, match="'Detain'"):
        service.update_guide(session, owner, rid, "Detain any shipment without the tag.")
    with unit_of_work(owner) as session:
        assert service.update_guide(session, owner, rid, "Genuine tags are sewn, not glued.").guide_text


def test_gray_market_needs_the_differences(owner) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(owner) as session, pytest.raises(InvalidInput, match="physical and material differences"):
        service.file_recordation(session, owner, filing(gray_market=True, gray_market_differences=""))


def test_renewal_and_change_of_ownership(owner, officer) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(owner) as session:
        rec, req = service.file_recordation(session, owner, filing())
        rid, req_id = rec.id, req.id
    with unit_of_work(owner) as session, pytest.raises(InvalidInput, match="only an active or expired"):
        service.file_renewal(session, owner, rid, date(2040, 3, 1))
    with unit_of_work(officer) as session:
        service.decide(session, officer, req_id, approve=True)
    with unit_of_work(owner) as session:
        renewal = service.file_renewal(session, owner, rid, date(2040, 3, 1))
        assert renewal.fee_usd == Decimal(160)
        change = service.file_change_of_ownership(
            session, owner, rid, OwnershipIn(owner_name="Nuova Quorvela S.r.l.", owner_country="IT"))
        assert change.fee_usd == Decimal(80)
        with pytest.raises(Conflict, match="already pending"):
            service.file_renewal(session, owner, rid, date(2041, 3, 1))
        ids = renewal.id, change.id
    with unit_of_work(officer) as session:
        for request_id in ids:
            service.decide(session, officer, request_id, approve=True)
    with unit_of_work(owner) as session:
        rec = service.get(session, owner, rid)
        assert rec.expires_on == date(2040, 3, 1) and rec.owner_name == "Nuova Quorvela S.r.l."


def test_products_are_the_owners_to_edit(owner, make_user) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(owner) as session:
        rec, _ = service.file_recordation(session, owner, filing())
        rid = rec.id
        service.replace_products(session, owner, rid, [ProductIn(name="Tote", msrp_usd=Decimal("950.00"))])
        assert [p.name for p in service.products_of(session, rid)] == ["Tote"]
    _, rival = make_user(Role.RIGHTS_OWNER, org_name="Rival brand owner", org_kind=service.OrgKind.RIGHTS_OWNER)
    with unit_of_work(rival) as session, pytest.raises((Forbidden, NotFound)):
        service.replace_products(session, rival, rid, [])


def test_record_numbers_are_unique_under_concurrent_filings(owner) -> None:  # type: ignore[no-untyped-def]
    def file(i: int) -> str:
        with unit_of_work(owner) as session:
            rec, _ = service.file_recordation(session, owner, filing(kind="copyright", classes=[]))
            return rec.record_number

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(file, range(24)))
    assert len(set(numbers)) == 24 and all(n.startswith("COP ") for n in numbers)
    with unit_of_work(owner) as session:
        counter = session.execute(select(RecordNumberCounter).where(RecordNumberCounter.prefix == "COP")).scalar_one()
        assert counter.last >= 24
        assert session.execute(select(Recordation.id).where(Recordation.record_number.in_(numbers))).all()
