"""IPR search through the service, the API and the CLI: public fields for the public, similar marks for officers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pathways.api.app import create_app
from pathways.cli import app
from pathways.core.errors import Forbidden
from pathways.core.policy import anonymous
from pathways.identity import service as identity
from pathways.registry import service
from pathways.registry.schemas import RecordationFull, RecordationPublic
from pathways.registry.search import SearchQuery, search
from pathways.store.session import unit_of_work
from tests.registry.conftest import filing

PUBLIC_FIELDS = set(RecordationPublic.model_fields)
PRIVATE_FIELDS = set(RecordationFull.model_fields) - PUBLIC_FIELDS


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def bearer(viewer, scopes: str = "read,write") -> dict[str, str]:  # type: ignore[no-untyped-def]
    with unit_of_work(viewer) as session:
        secret, _ = identity.create_token(session, viewer, "test", scopes)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def knights(owner, officer) -> str:  # type: ignore[no-untyped-def]
    """An approved NORTHERN KNIGHTS (plus a made-up word so each test finds only its own: long enough
    that two tests' marks never score as similar, which six random characters sometimes did)."""
    word = "Z" + uuid.uuid4().hex[:16].upper().replace("0", "Q").replace("1", "W")
    with unit_of_work(owner) as session:
        rec, req = service.file_recordation(session, owner, filing(mark=f"NORTHERN KNIGHTS {word}"))
        req_id = rec.id, req.id
    with unit_of_work(officer) as session:
        service.decide(session, officer, req_id[1], approve=True)
    return word


def test_public_search_shows_only_public_fields(client: TestClient, knights: str) -> None:
    body = client.get("/api/registry/recordations", params={"q": f"northern {knights}"}).json()
    assert body["total"] == 1
    item = body["items"][0]["recordation"]
    assert item["mark"] == f"NORTHERN KNIGHTS {knights}" and item["status"] == "active"
    assert set(item) == PUBLIC_FIELDS and not (set(item) & PRIVATE_FIELDS)
    one = client.get(f"/api/registry/recordations/{item['record_number']}").json()
    assert set(one) == PUBLIC_FIELDS


def test_officers_get_every_field_and_similar_marks(client: TestClient, knights: str, officer) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(officer)
    full = client.get("/api/registry/recordations", params={"q": knights}, headers=headers).json()
    assert full["items"][0]["recordation"]["gray_market_differences"].startswith("US models")
    for query, reason in [
        (f"NORTHERN NIGHTS {knights}", "1 character edit"),
        (f"NORTHERN HIGHTS {knights}", "2 character edits"),
        (f"N0RTHERN KNIGHTS {knights}", "homoglyph"),
        (f"NОRTHЕRN KNIGHTS {knights}", "homoglyph"),  # Cyrillic О and Е
        (f"northern-knights{knights}", "spacing and punctuation"),
    ]:
        body = client.get("/api/registry/recordations", params={"q": query, "similar": "true"}, headers=headers)
        assert body.status_code == 200, body.text
        top = body.json()["items"][0]
        assert top["recordation"]["mark"] == f"NORTHERN KNIGHTS {knights}", query
        assert reason in top["reasons"], (query, top["reasons"])
        assert top["score"] >= 80


def test_similar_search_filters_by_class_country_and_status(knights: str, officer) -> None:  # type: ignore[no-untyped-def]
    query = f"NORTHERN NIGHTS {knights}"
    with unit_of_work(officer) as session:
        def hits(**f: object) -> int:
            return search(session, officer, SearchQuery(q=query, similar=True, **f)).total  # type: ignore[arg-type]

        assert hits() == 1
        assert hits(class_number=25) == 1 and hits(class_number=9) == 0
        assert hits(country="IT") == 1 and hits(country="FR") == 0
        assert hits(status="active") == 1 and hits(status="expired") == 0
        assert hits(owner="quorvela") == 1 and hits(owner="nobody") == 0


def test_similar_search_is_for_agency_staff(client: TestClient, owner) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(anonymous()) as session, pytest.raises(Forbidden):
        search(session, anonymous(), SearchQuery(q="VELTRANO", similar=True))
    refused = client.get("/api/registry/recordations", params={"q": "VELTRANO", "similar": "true"})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")


def test_the_index_sees_new_recordations_at_once(owner, officer) -> None:  # type: ignore[no-untyped-def]
    word = "Y" + uuid.uuid4().hex[:6].upper().replace("0", "Q").replace("1", "W")
    with unit_of_work(officer) as session:
        assert search(session, officer, SearchQuery(q=f"BRAVO {word}", similar=True)).total == 0
    with unit_of_work(owner) as session:
        service.file_recordation(session, owner, filing(mark=f"BRAVO {word}"))
    with unit_of_work(officer) as session:
        found = search(session, officer, SearchQuery(q=f"BRAV0 {word}", similar=True))
        assert found.total == 1 and found.hits[0].recordation.status == "pending"


def test_cli_search_prints_best_match_first(knights: str) -> None:
    result = CliRunner().invoke(app, ["registry", "search", f"NORTHERN HIGHTS {knights}", "--similar"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0].split("\t")
    assert first[0].startswith("TMK ") and first[1] == f"NORTHERN KNIGHTS {knights}"
    plain = CliRunner().invoke(app, ["registry", "search", knights])
    assert plain.exit_code == 0 and f"NORTHERN KNIGHTS {knights}" in plain.stdout


def test_portal_flow_through_the_api(client: TestClient, owner, officer) -> None:  # type: ignore[no-untyped-def]
    quote = client.post("/api/registry/fees/quote", json={"request_kind": "new", "kind": "trademark", "classes": 2})
    assert quote.json()["amount_usd"] == "380.00"
    body = filing().model_dump(mode="json")
    made = client.post("/api/registry/recordations", json=body, headers=bearer(owner))
    assert made.status_code == 201, made.text
    request_id = made.json()["request"]["id"]
    assert made.json()["request"]["fee_usd"] == "380.00"
    assert client.post("/api/registry/recordations", json=body, headers=bearer(owner)).status_code == 409
    bad = dict(body, registration_number="other-1", guide_text="Please seize all fakes.")
    refused = client.post("/api/registry/recordations", json=bad, headers=bearer(owner))
    assert refused.status_code == 422 and "may not instruct officers" in refused.json()["detail"]
    decided = client.post(f"/api/registry/requests/{request_id}/decision", json={"approve": True},
                          headers=bearer(officer))
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    notices = client.get("/api/registry/notices", headers=bearer(owner)).json()
    assert any("approved" in n["message"] for n in notices)


def test_design_image_and_guide_files(client: TestClient, owner) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    headers = bearer(owner)
    made = client.post("/api/registry/recordations", json=filing().model_dump(mode="json"), headers=headers)
    rid = made.json()["recordation"]["id"]
    png = io.BytesIO()
    Image.new("RGB", (640, 320), "navy").save(png, format="PNG")
    design = client.post(f"/api/registry/recordations/{rid}/design", headers=headers,
                         files={"file": ("logo.png", png.getvalue(), "image/png")})
    assert design.status_code == 200, design.text
    assert design.json()["has_design"] is True
    not_image = client.post(f"/api/registry/recordations/{rid}/design", headers=headers,
                            files={"file": ("logo.png", b"GIF89a....", "image/gif")})
    assert not_image.status_code == 422
    pdf = client.post(f"/api/registry/recordations/{rid}/guide-files", headers=headers,
                      files={"file": ("guide.pdf", b"%PDF-1.4 genuine tags", "application/pdf")})
    assert pdf.status_code == 200 and pdf.json()["guide_files"][0]["media_type"] == "application/pdf"
