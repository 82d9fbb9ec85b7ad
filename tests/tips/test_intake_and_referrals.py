"""The API and the pages as their users meet them: intake, caveated tipsters, bundles, referrals, receipts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pathways.api.app import create_app
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from pathways.tips import service
from tests.web.conftest import form_token, login


@pytest.fixture()
def client(database_url: str, cli_viewer: Viewer) -> Iterator[TestClient]:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    with TestClient(create_app(), follow_redirects=False) as c:
        yield c


def token(viewer: Viewer) -> dict[str, str]:
    with unit_of_work(viewer) as session:
        secret, _ = identity.create_token(session, viewer, "t", "read,write")
    return {"Authorization": f"Bearer {secret}"}


def record(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "external_id": f"X-{uuid.uuid4().hex[:10]}", "received_at": "2026-03-01T10:00:00Z",
        "channel": "partner_referral",
        "narrative": f"Smugglers use TX plate QRS-{uuid.uuid4().int % 9000 + 1000} to pick up groups near Laredo, TX "
                     f"tonight. Wallet 0x{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}.",
        "location": {"zip": "78040"}, "tipster": {"name": "Pat Caller", "phone": "+12025550143"}}
    base.update(kw)
    return base


def test_a_partner_tip_is_extracted_routed_prioritized_and_idempotent(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    h = token(tipline)
    rec = record()
    first = client.post("/api/tips", json=rec, headers=h)
    assert first.status_code == 201, first.text
    tip = first.json()["tip"]
    assert tip["office_code"] == "SAC-SAT" or tip["office_code"].startswith("SAC-")
    assert "ZIP 78040" in tip["routing_reason"]
    assert tip["priority"] in ("critical", "high")
    assert any("imminent" in r for r in tip["priority_reasons"])
    assert tip["category"] == "human_smuggling" and "classified from the narrative" in tip["category_reason"]
    again = client.post("/api/tips", json=rec, headers=h)
    assert again.json()["created"] is False and again.json()["tip"]["id"] == tip["id"]
    bad = client.post("/api/tips", json={**rec, "external_id": "B-1", "received_at": "yesterday"}, headers=h)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "received_at" in bad.json()["detail"]


def test_a_duplicate_joins_the_bundle_and_raises_its_priority(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    h = token(tipline)
    rec = record(narrative=f"Fake VELTRANO watches sold at https://veltrano-{uuid.uuid4().hex[:6]}.example/p/77",
                 category="counterfeit_goods", location={"city": "Coachella", "state": "CA"})
    a = client.post("/api/tips", json=rec, headers=h).json()["tip"]
    b = client.post("/api/tips", json={**rec, "external_id": rec["external_id"] + "b",
                                       "narrative": "Hello, " + str(rec["narrative"]) + " Thank you."},
                    headers=h).json()["tip"]
    assert a["bundle_id"] == b["bundle_id"]
    assert "shares url" in b["bundle_reason"]
    bundle = client.get(f"/api/tips/bundles/{a['bundle_id']}", headers=h).json()
    assert bundle["report_count"] == 2 and len(bundle["tips"]) == 2
    assert any("corroborated by 2 reports" in r for r in bundle["priority_reasons"])


def test_batch_lists_bad_records_and_keeps_the_good(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    body = [record(), {"external_id": "nope"}, "not an object", record(location={"country": "MX"})]
    r = client.post("/api/tips/batch", json=body, headers=token(tipline))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["created"] == 2 and out["rejected"] == 2
    assert [x["line"] for x in out["rejects"]] == [2, 3]


def test_tipster_identity_is_seen_only_by_the_tipline_unit(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    _, supervisor = make_user(Role.SUPERVISOR)
    tip = client.post("/api/tips", json=record(), headers=token(tipline)).json()["tip"]
    with unit_of_work(tipline) as session:
        seen = service.tipster_of(session, tipline, tip["id"])
        assert seen is not None and seen.name == "Pat Caller"
    with unit_of_work(supervisor) as session:
        assert service.tipster_of(session, supervisor, tip["id"]) is None


def test_referral_is_accepted_declined_rerouted_and_disposed(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    _, agent = make_user(Role.SPECIAL_AGENT)
    h = token(tipline)
    tip = client.post("/api/tips", json=record(), headers=h).json()["tip"]
    ref_id = client.get(f"/api/tips/bundles/{tip['bundle_id']}", headers=h).json()["referral_id"]
    assert client.post(f"/api/tips/referrals/{ref_id}/accept", headers=token(agent)).status_code == 403
    declined = client.post(f"/api/tips/referrals/{ref_id}/decline", json={"reason": "not our AOR"}, headers=h)
    assert declined.json()["status"] == "declined"
    rerouted = client.post(f"/api/tips/referrals/{ref_id}/reroute", json={"office_code": "SAC-HOU"}, headers=h)
    assert rerouted.json()["status"] == "rerouted" and rerouted.json()["office_code"] == "SAC-HOU"
    assert client.post(f"/api/tips/referrals/{ref_id}/accept", headers=h).json()["status"] == "accepted"
    bad = client.post(f"/api/tips/referrals/{ref_id}/dispose", json={"disposition": "maybe"}, headers=h)
    assert bad.status_code == 422
    done = client.post(f"/api/tips/referrals/{ref_id}/dispose", json={"disposition": "lead_opened"}, headers=h)
    assert done.json()["status"] == "disposed"


def test_anonymous_tipster_gets_a_receipt_and_answers_a_question(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/tips/report")
    assert page.status_code == 200 and 'name="website"' in page.text
    r = client.post("/tips/report", data={"narrative": "Drugs are coming in on the M/V SEA LARK tonight.",
                                          "zip": "33129", "website": ""})
    assert r.status_code == 200, r.text
    code = re.search(r'id="receipt-code">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    passphrase = re.search(r'id="receipt-passphrase">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    username, tipline = make_user(Role.TIPLINE_OPERATOR)
    with unit_of_work(tipline) as session:
        tip_id = service.open_receipt(session, code, passphrase)
        service.ask(session, tipline, tip_id, "What color was the vessel?")
    seen = client.post("/tips/receipt", data={"code": code, "passphrase": passphrase})
    assert "What color was the vessel?" in seen.text
    answered = client.post("/tips/receipt", data={"code": code, "passphrase": passphrase, "answer": "Blue hull."})
    assert "Blue hull." in answered.text
    wrong = client.post("/tips/receipt", data={"code": code, "passphrase": "guess"})
    assert wrong.status_code == 404 and "Blue hull" not in wrong.text
    staff = TestClient(create_app(), follow_redirects=False)
    login(staff, username)
    tip_page = staff.get(f"/tips/{tip_id}")
    assert "Blue hull." in tip_page.text and "SAC-MIA" in tip_page.text
    assert form_token(tip_page.text)


def test_honeypot_and_rate_limit_refuse_floods(client: TestClient) -> None:
    bot = client.post("/tips/report", data={"narrative": "buy pills", "website": "http://spam.example"})
    assert bot.status_code == 400 and "could not be accepted" in bot.text
    codes = [client.post("/tips/report", data={"narrative": f"Report number {i} about fake goods."},
                         headers={"X-Test": "1"}).status_code for i in range(service.RATE_LIMIT + 1)]
    assert codes[-1] == 429
