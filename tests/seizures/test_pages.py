"""The seizure pages: an officer's seizure form, disposition, owner notices, detentions, the report page."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from pathways.api.app import create_app
from pathways.core.clock import fiscal_year, utcnow
from pathways.core.policy import OrgKind, Role
from pathways.identity import service as identity
from pathways.registry.models import Recordation
from pathways.seizures import service
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD, unique
from tests.screening.conftest import ScreeningWorld, sworld, world_files  # noqa: F401  (fixtures)
from tests.web.conftest import form_token, login


def _user(sworld: ScreeningWorld, role: Role, org_name: str | None = None) -> str:  # noqa: F811
    name = unique(role.value)
    with unit_of_work(sworld.viewer) as session:
        org = identity.get_or_create_org(session, org_name, OrgKind.RIGHTS_OWNER) if org_name else None
        identity.create_user(session, sworld.viewer, username=name, password=PASSWORD, roles=frozenset({role}),
                             org=org)
    return name


def _owned_recordation(sworld: ScreeningWorld, org_name: str) -> str:  # noqa: F811
    """Give one of the world's recordations to a rights-owner organization; returns its record number."""
    with unit_of_work(sworld.viewer) as session:
        org = identity.get_or_create_org(session, org_name, OrgKind.RIGHTS_OWNER)
        rec = session.execute(select(Recordation).where(Recordation.owner_org_id == sworld.viewer.org_id)
                              .order_by(Recordation.record_number)).scalars().first()
        assert rec is not None
        rec.owner_org_id = org.id
        return rec.record_number


def test_officer_records_a_seizure_and_the_owner_reads_the_notice(sworld: ScreeningWorld) -> None:  # noqa: F811
    owner_org = unique("Owner Holdings")
    number = _owned_recordation(sworld, owner_org)
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.BORDER_OFFICER))
        form_page = client.get("/seizures/new")
        assert form_page.status_code == 200 and "Record a seizure" in form_page.text
        data = {"csrf_token": form_token(form_page.text), "port_code": "2704", "mode": "mail",
                "entry_number": "MAN-0000001-1", "origin_country": "hk", "importer_name": "Quiet Harbor Trading LLC",
                "importer_address": "12 Dock St, Long Beach, CA", "shipper_name": "Kowloon Bright Export Ltd.",
                "shipper_address": "8 Nathan Rd, Kowloon, HK", "manufacturer": "Unknown Works",
                "imported_on": (utcnow().date() - timedelta(days=3)).isoformat(),
                "record_number_1": number, "category_1": "Watches/Jewelry", "quantity_1": "many",
                "msrp_1": "250", "description_1": "wristwatches"}
        bad = client.post("/seizures/new", data=data)
        assert bad.status_code == 422 and "quantity &#39;many&#39; is not a whole number" in bad.text
        done = client.post("/seizures/new", data={**data, "quantity_1": "12"})
        assert done.status_code == 303, done.text
        page = client.get(done.headers["location"])
        assert "Seizure SZ " in page.text and "wristwatches" in page.text and "3,000.00" in page.text
        assert "NOTICE OF SEIZURE SN " in page.text and "Country of origin: HK" in page.text
        set_disp = client.post(done.headers["location"] + "/disposition",
                               data={"csrf_token": form_token(page.text), "disposition": "destroyed"})
        assert set_disp.status_code == 303
        assert '<strong id="disposition">destroyed</strong>' in client.get(done.headers["location"]).text
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.RIGHTS_OWNER, owner_org))
        notices = client.get("/seizures/notices")
        assert notices.status_code == 200
        for fact in ("Quiet Harbor Trading LLC, 12 Dock St", "Kowloon Bright Export Ltd.", "Unknown Works", "2704",
                     "HK", number):
            assert fact in notices.text
        assert "Seizure notice SN " in client.get("/registry/portal").text
        assert client.get("/seizures/report").status_code == 403
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.RIGHTS_OWNER, unique("Another Owner")))
        assert "Quiet Harbor" not in client.get("/seizures/notices").text


def test_report_page_counts_a_new_seizure_and_offers_pdf_and_csv(sworld: ScreeningWorld) -> None:  # noqa: F811
    fy = fiscal_year(utcnow().date())
    officer = sworld.officer()
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.SUPERVISOR))
        before = client.get(f"/seizures/report?fy={fy}")
        assert before.status_code == 200 and f"FY{fy}" in before.text and "<svg" in before.text
        n_before = int(re.search(r'id="fig-seizures">([\d,]+)<', before.text).group(1).replace(",", ""))  # type: ignore[union-attr]
        with unit_of_work(officer) as session:
            service.record_seizure(session, officer, port_code="9901", mode="cargo", entry_number="RPT-1",
                                   parties=service.Parties(importer_name="Report Test Co"), origin_country="CN",
                                   lines=[service.LineIn("Toys", 5, "10")])
        after = client.get(f"/seizures/report?fy={fy}")
        assert f'id="fig-seizures">{n_before + 1:,}<' in after.text and "9901" in after.text
        pdf = client.get(f"/seizures/report.pdf?fy={fy}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        rows = list(csv.DictReader(client.get(f"/seizures/report.csv?fy={fy}").text.splitlines()))
        assert int(next(r for r in rows if r["section"] == "total")["seizures"]) == n_before + 1
        api = client.get("/api/seizures/report", params={"fy": fy})
        assert api.status_code == 200 and api.json()["seizures"] == n_before + 1
        assert api.json()["summary"][0].startswith(f"In FY{fy}")
        assert client.get("/api/seizures/report", params={"fy": fy, "format": "docx"}).status_code in (400, 422)


def test_detention_clock_steps_and_seizure(sworld: ScreeningWorld) -> None:  # noqa: F811
    officer = sworld.officer()
    with unit_of_work(officer) as session:
        det = service.record_detention(session, officer, port_code="3001", entry_number=unique("DET"),
                                       parties=service.Parties(importer_name="Held Goods Inc"), mode="express",
                                       detained_on=utcnow().date() - timedelta(days=10), description="VELTRANA bags",
                                       quantity=7)
        det_id = det.id
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.BORDER_OFFICER))
        listing = client.get("/detentions")
        assert "Held Goods Inc" in listing.text and "20 days left" in listing.text
        page = client.get(f"/detentions/{det_id}")
        assert "20 days left" in page.text and "NOTICE OF DETENTION" in page.text
        step = client.post(f"/detentions/{det_id}/action", data={"csrf_token": form_token(page.text),
                                                                 "action": "owner_shown_samples", "note": "photos"})
        assert step.status_code == 303
        page = client.get(f"/detentions/{det_id}")
        assert "Rights owner shown images or samples" in page.text and "photos" in page.text
        seized = client.post(f"/detentions/{det_id}/action", data={
            "csrf_token": form_token(page.text), "action": "seized", "product_category": "Handbags/Wallets",
            "quantity": "7", "msrp_unit_usd": "120"})
        assert seized.status_code == 303 and seized.headers["location"].startswith("/seizures/")
        assert "840.00" in client.get(seized.headers["location"]).text
        assert "This detention ended: seized" in client.get(f"/detentions/{det_id}").text
        assert "Held Goods Inc" not in client.get("/detentions").text


def test_detention_period_over_says_so() -> None:
    from pathways.seizures.disposition import clock
    from pathways.seizures.models import Detention

    det = Detention(detained_on=date(2026, 1, 1), notice_due_on=date(2026, 1, 8), period_ends_on=date(2026, 1, 31),
                    status="open")
    assert clock(det, date(2026, 2, 2)).text.startswith("30-day period ended 2026-01-31")
    assert clock(det, date(2026, 1, 30)).days_left == 1
