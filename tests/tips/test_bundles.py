"""Bundles that turn out to be one event are merged, by a later report online or in a file; a
supervisor splits a report out of a bundle, and that judgement holds against later reports."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pathways.api.app import create_app
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.store.audit import AuditEvent, verify_chain
from pathways.store.session import unit_of_work
from pathways.tips import importer
from pathways.tips.dedup import NUM_PERM, shingles, signature
from pathways.tips.models import Tip
from tests.web.conftest import login


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


def sites() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"https://veltrano-{tag}.example/shop/1", f"https://veltrano-{tag}-outlet.example/p/2"


def report(narrative: str, ext: str | None = None) -> dict[str, object]:
    return {"external_id": ext or f"M-{uuid.uuid4().hex[:10]}", "received_at": "2026-04-01T09:00:00Z",
            "channel": "email", "category": "counterfeit_goods", "narrative": narrative}


def bundle_of(client: TestClient, h: dict[str, str], tip_id: str) -> dict[str, object]:
    tip = client.get(f"/api/tips/{tip_id}", headers=h).json()
    return dict(client.get(f"/api/tips/bundles/{tip['bundle_id']}", headers=h).json())


def test_a_report_matching_two_bundles_merges_them_and_keeps_every_tip(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    h = token(tipline)
    shop, outlet = sites()
    a = client.post("/api/tips", json=report(f"Fake VELTRANO bags sold at {shop}"), headers=h).json()["tip"]
    b = client.post("/api/tips", json=report(f"Counterfeit watches at {outlet} ship from a warehouse"),
                    headers=h).json()["tip"]
    assert a["bundle_id"] != b["bundle_id"]
    first_a, first_b = bundle_of(client, h, a["id"]), bundle_of(client, h, b["id"])
    c = client.post("/api/tips", json=report(f"Same sellers: {shop} and {outlet} are one shop"),
                    headers=h).json()["tip"]
    assert "joined 2 bundles" in c["bundle_reason"]
    merged = bundle_of(client, h, c["id"])
    assert merged["report_count"] == 3 and sorted(merged["tips"]) == sorted([a["number"], b["number"], c["number"]])
    assert bundle_of(client, h, a["id"])["id"] == bundle_of(client, h, b["id"])["id"] == merged["id"]
    gone = first_b if merged["id"] == first_a["id"] else first_a
    closed = client.get(f"/api/tips/bundles/{gone['id']}", headers=h).json()
    assert closed["report_count"] == 0 and closed["referral_status"] == "disposed"
    with unit_of_work(tipline, readonly=True) as session:
        events = session.execute(select(AuditEvent.object_id).where(AuditEvent.action == "merge")).scalars().all()
        assert merged["id"] in events
        assert verify_chain(session).intact


def test_a_supervisor_splits_a_tip_out_and_later_reports_do_not_undo_it(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    username, supervisor = make_user(Role.SUPERVISOR)
    h, hs = token(tipline), token(supervisor)
    shop, _ = sites()
    a = client.post("/api/tips", json=report(f"Fake VELTRANO bags sold at {shop}"), headers=h).json()["tip"]
    b = client.post("/api/tips", json=report(f"Replica watches listed on {shop} too"), headers=h).json()["tip"]
    assert a["bundle_id"] == b["bundle_id"]
    assert client.post(f"/api/tips/{b['id']}/split", json={"reason": "x"}, headers=h).status_code == 403
    r = client.post(f"/api/tips/{b['id']}/split", json={"reason": "a different seller"}, headers=hs)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["report_count"] == 1 and new["tips"] == [b["number"]] and new["referral_status"] == "sent"
    old = bundle_of(client, h, a["id"])
    assert old["report_count"] == 1 and old["id"] != new["id"]
    assert "split from" in client.get(f"/api/tips/{b['id']}", headers=h).json()["bundle_reason"]
    again = client.post(f"/api/tips/{a['id']}/split", json={"reason": "alone"}, headers=hs)
    assert again.status_code == 409
    later = client.post("/api/tips", json=report(f"Still selling fakes at {shop}"), headers=h).json()["tip"]
    assert "joined" not in later["bundle_reason"]
    assert bundle_of(client, h, a["id"])["id"] != bundle_of(client, h, b["id"])["id"]
    # The page: the split form on the bundle, and the new bundle after it.
    page = TestClient(create_app(), follow_redirects=False)
    login(page, username)
    seen = page.get(f"/tips/bundles/{bundle_of(client, h, later['id'])['id']}")
    assert "Split out" in seen.text


def test_a_later_file_merges_bundles_written_by_an_earlier_one(database_url: str, cli_viewer: Viewer,
                                                               tmp_path: Path) -> None:
    with unit_of_work(cli_viewer) as session:
        identity.load_offices(session, cli_viewer)
    shop, outlet = sites()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps(report(f"Fake bags at {shop}", "F-1")) + "\n"
                     + json.dumps(report(f"Fake watches at {outlet}", "F-2")) + "\n")
    second.write_text(json.dumps(report(f"{shop} and {outlet} are the same ring", "F-3")) + "\n")
    source = f"merge-{uuid.uuid4().hex[:6]}"
    with unit_of_work(cli_viewer) as session:
        importer.import_file(session, cli_viewer, first, source=source, workers=1)
    with unit_of_work(cli_viewer) as session:
        report_ = importer.import_file(session, cli_viewer, second, source=source, workers=1)
    assert report_.bundles_merged == 1
    with unit_of_work(cli_viewer, readonly=True) as session:
        bundles = set(session.execute(select(Tip.bundle_id).where(Tip.source == source)).scalars())
        assert len(bundles) == 1
        assert verify_chain(session).intact


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_the_signature_is_datasketchs_minhash(text: str) -> None:
    from datasketch import MinHash

    sh = shingles(text)
    if not sh:
        return
    m = MinHash(num_perm=NUM_PERM, seed=20260, scheme="affine32")
    m.update_batch(list(sh))
    assert [int(v) for v in m.hashvalues] == [int(v) for v in signature(text)]
