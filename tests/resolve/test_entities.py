"""Entities from a tiny world's manifests, seizures and tips: one entity per real party, ids that survive
reruns, judgements that beat the model, markings that hide restricted records, online placement."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from pathways.core.errors import NotFound
from pathways.core.policy import OrgKind, Role, system_viewer
from pathways.identity import service as identity
from pathways.resolve import online, service, views
from pathways.resolve.entity_models import Entity, EntityEvent, Judgement, ReviewPair, ReviewStatus
from pathways.resolve.models import Mention
from pathways.resolve.party_records import PARTY_KINDS
from pathways.seizures import service as seizures
from pathways.seizures.models import Seizure
from pathways.store.audit import AuditEvent
from pathways.store.session import unit_of_work
from pathways.tips.models import Tip
from tests.conftest import PASSWORD, unique
from tests.resolve.conftest import ResolvedWorld


def _true_party(rw: ResolvedWorld) -> dict[str, str]:
    """Party mention id -> its true party, for every mention the world's truth names."""
    manifest = pl.concat([pl.read_parquet(p) for p in sorted((rw.dir / "truth" / "manifest_mentions").glob("*"))])
    truth = {(r, f): p for r, f, p in manifest.select("record_id", "field", "party_id").iter_rows()}
    truth.update(rw.truth())
    with unit_of_work(rw.viewer, readonly=True) as s:
        external = dict(s.execute(select(Seizure.id, Seizure.external_number)).all())
        external.update(s.execute(select(Tip.id, Tip.external_id)).all())
        rows = s.execute(select(Mention.id, Mention.record_type, Mention.record_id, Mention.field)
                         .where(Mention.kind.in_(PARTY_KINDS))).all()
    out = {}
    for mid, rtype, rid, fld in rows:
        key = (rid, fld) if rtype == "manifest_line" else (f"{external.get(rid)}/1", fld) \
            if rtype == "seizure" else (external.get(rid), fld)
        if key in truth:
            out[mid] = truth[key]
    return out


def _entity_of(rw: ResolvedWorld) -> dict[str, str]:
    with unit_of_work(rw.viewer, readonly=True) as s:
        return dict(s.execute(select(Mention.id, Mention.entity_id).where(Mention.kind.in_(PARTY_KINDS))).all())


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {p for ms in groups.values() for p in itertools.combinations(sorted(ms), 2)}


def test_parties_resolve_into_entities_that_match_the_worlds_truth(resolved: ResolvedWorld) -> None:
    truth = _true_party(resolved)
    entity = _entity_of(resolved)
    assert len(truth) > 20_000 and all(entity.get(m) for m in truth)
    by_truth, by_entity = defaultdict(list), defaultdict(list)
    for m, p in truth.items():
        by_truth[p].append(m)
        by_entity[entity[m]].append(m)
    true_pairs, found = _pairs(by_truth), _pairs(by_entity)
    precision = len(true_pairs & found) / len(found)
    recall = len(true_pairs & found) / len(true_pairs)
    assert precision >= 0.95 and recall >= 0.85, (precision, recall)


def test_one_entity_joins_a_manifest_party_a_tip_subject_and_a_seizure_party(resolved: ResolvedWorld) -> None:
    with unit_of_work(resolved.viewer, readonly=True) as s:
        rows = s.execute(select(Mention.entity_id, Mention.source).where(Mention.kind.in_(PARTY_KINDS))).all()
        sources = defaultdict(set)
        for eid, src in rows:
            sources[eid].add(src)
        joined = [e for e, srcs in sources.items() if {"screening", "tips", "seizures"} <= srcs]
        assert joined
        page = views.entity_page(s, resolved.viewer, joined[0])
        assert {"Manifest", "Tip", "Seizure"} <= set(page.sources)
        assert page.identifiers and page.names
        assert all(others for others in page.shared.values())
        # each member but the first says why it is there, in words with weights
        assert any(m.explanation for m in page.matches.values())


def test_a_rerun_keeps_every_entity_id_and_records_no_change(resolved: ResolvedWorld) -> None:
    before = _entity_of(resolved)
    with unit_of_work(resolved.viewer) as s:
        again = service.run(s, resolved.viewer, retrain=False)
    assert (again.created, again.merges, again.splits) == (0, 0, 0)
    assert _entity_of(resolved) == before
    assert again.entities == resolved.first_run.entities


def test_judgements_beat_the_model_now_and_on_every_rerun(resolved: ResolvedWorld) -> None:
    _, analyst = _user(Role.INTELLIGENCE_ANALYST)
    with unit_of_work(analyst) as s:
        queue = views.review_queue(s, analyst, limit=50)
        assert queue, "the tiny world leaves uncertain pairs for review"
        pair = queue[0].pair
        a, b = pair.mention_l, pair.mention_r
        service.judge(s, analyst, pair.id, "same", "same registration number on the invoices")
    entity = _entity_of(resolved)
    assert entity[a] == entity[b]
    # split a member from a large entity: "not the same" as the mention that linked it
    with unit_of_work(analyst, readonly=True) as s:
        big = s.execute(select(Entity.id).order_by(Entity.mention_count.desc()).limit(1)).scalar_one()
        members = [m.id for m in views.entity_page(s, analyst, big).mentions if m.kind in PARTY_KINDS]
    c, d = members[0], members[-1]
    with unit_of_work(analyst) as s:
        service.judge_mentions(s, analyst, c, d, "not_same", "different director and tax number")
    assert _entity_of(resolved)[c] != _entity_of(resolved)[d]
    with unit_of_work(resolved.viewer) as s:
        service.run(s, resolved.viewer, retrain=False)
    entity = _entity_of(resolved)
    assert entity[a] == entity[b] and entity[c] != entity[d]
    with unit_of_work(resolved.viewer, readonly=True) as s:
        judged = s.execute(select(func.count()).select_from(Judgement)).scalar_one()
        assert judged == 2
        assert s.execute(select(ReviewPair.status).where(ReviewPair.id == pair.id)).scalar_one() == ReviewStatus.JUDGED
        # judged pairs never come back to the queue, and every judgement is in the audit log
        assert all((i.pair.mention_l, i.pair.mention_r) != (a, b) for i in views.review_queue(s, analyst, 500))
        logged = s.execute(select(func.count()).where(AuditEvent.object_type == "judgements")).scalar_one()
        assert logged == 2
        history = s.execute(select(EntityEvent.kind).where(EntityEvent.entity_id == entity[c])).scalars().all()
        assert "split" in history or "split_from" in history


def test_a_viewer_outside_the_records_markings_sees_no_entity(resolved: ResolvedWorld) -> None:
    _, partner = _user(Role.PARTNER, org=("Harbour Police (test partner)", OrgKind.PARTNER_DOMESTIC))
    with unit_of_work(partner, readonly=True) as s:
        assert views.search(s, partner, "", limit=10) == []
        some = s.execute(select(Entity.id).limit(1)).scalar_one()
        with pytest.raises(NotFound):
            views.entity_page(s, partner, some)


def test_a_new_seizure_party_joins_its_entity_online(resolved: ResolvedWorld) -> None:
    with unit_of_work(resolved.viewer, readonly=True) as s:
        m = s.execute(select(Mention).where(Mention.source == "seizures", Mention.kind == "organization",
                                            Mention.field == "shipper").limit(1)).scalar_one()
        addr = s.execute(select(Mention.value).where(Mention.record_id == m.record_id, Mention.kind == "address",
                                                     Mention.field == "shipper")).scalar_one()
        known = m.entity_id
    _, officer = _user(Role.BORDER_OFFICER)
    with unit_of_work(officer) as s:
        seizure = seizures.record_seizure(
            s, officer, port_code="2704", mode="express", entry_number=unique("ENT"), origin_country="CN",
            parties=seizures.Parties(shipper_name=m.value, shipper_address=addr,
                                     importer_name="Harbor Test Imports LLC",
                                     importer_address="12 Dock St, Long Beach, CA 90802"),
            lines=[seizures.LineIn("Footwear", 10, "120.00")], seized_on=date(2026, 11, 2), disclose_to_owners=False)
        sid = seizure.id
    assert online.drain()  # placement runs after the commit, beside the request
    with unit_of_work(resolved.viewer, readonly=True) as s:
        placed = dict(s.execute(select(Mention.field, Mention.entity_id).where(
            Mention.record_id == sid, Mention.kind == "organization")).all())
    assert placed["shipper"] == known
    assert placed["importer"] and placed["importer"] != known


def _user(role: Role, org: tuple[str, OrgKind] | None = None):  # type: ignore[no-untyped-def]
    with unit_of_work(system_viewer("test")) as s:
        viewer = system_viewer("test", identity.agency(s).id)
    with unit_of_work(viewer) as s:
        o = identity.get_or_create_org(s, *org) if org else None
        user = identity.create_user(s, viewer, username=unique(role.value), password=PASSWORD, roles=frozenset({role}),
                                    org=o)
        return user.username, identity.viewer_for(s, user, "test")


def test_the_api_searches_shows_and_judges(resolved: ResolvedWorld) -> None:
    from fastapi.testclient import TestClient

    from pathways.api.app import create_app

    _, analyst = _user(Role.INTELLIGENCE_ANALYST)
    _, officer = _user(Role.BORDER_OFFICER)
    with unit_of_work(analyst) as s:
        read, _ = identity.create_token(s, analyst, "read", "read")
        write, _ = identity.create_token(s, analyst, "write", "read,write")
    with unit_of_work(officer) as s:
        officer_token, _ = identity.create_token(s, officer, "read", "read")
    with TestClient(create_app()) as client:
        auth = {"Authorization": f"Bearer {read}"}
        found = client.get("/api/entities", params={"q": "ltd", "limit": 5}, headers=auth).json()
        assert found and all(any("ltd" in n.lower() for n in e["names"]) for e in found)
        entity = client.get(f"/api/entities/{found[0]['id']}", headers=auth).json()
        assert entity["mentions"] and entity["history"][0]["kind"] in ("created", "split_from", "merged")
        assert client.get("/api/entities", headers={"Authorization": f"Bearer {officer_token}"}).status_code == 403
        pairs = client.get("/api/resolve/review", params={"limit": 2}, headers=auth).json()
        assert pairs and pairs[0]["explanation"]
        url = f"/api/resolve/review/{pairs[0]['id']}/judgement"
        assert client.post(url, json={"verdict": "unsure"}, headers=auth).status_code == 403  # read scope only
        bad = client.post(url, json={"verdict": "maybe"}, headers={"Authorization": f"Bearer {write}"})
        assert bad.status_code == 422
        ok = client.post(url, json={"verdict": "unsure", "note": "need the invoices"},
                         headers={"Authorization": f"Bearer {write}"})
        assert ok.status_code == 201 and ok.json()["verdict"] == "unsure"


def test_party_history_reaches_the_other_names_of_a_seized_partys_entity(resolved: ResolvedWorld) -> None:
    with unit_of_work(resolved.viewer, readonly=True) as s:
        seized = dict(s.execute(select(Mention.normalized, Mention.entity_id).where(
            Mention.source == "seizures", Mention.kind.in_(PARTY_KINDS), Mention.entity_id.is_not(None))).all())
        variants = s.execute(select(Mention.normalized, Mention.entity_id).where(
            Mention.source == "screening", Mention.kind.in_(PARTY_KINDS), Mention.entity_id.in_(list(seized.values())),
            Mention.normalized.not_in(list(seized)))).first()
        assert variants, "some seized party is written differently on its manifest lines"
        key, eid = variants
        history = seizures.all_history_keys(s)
        assert key in history and "same entity" in history[key].summary
        line = seizures.party_history_with_aliases(s, [key])[key]
        assert line.seizures >= 1 and line.via in seized and seized[line.via] == eid


def test_a_new_tips_subject_joins_its_entity_online(resolved: ResolvedWorld) -> None:
    from pathways.tips import service as tips

    with unit_of_work(resolved.viewer, readonly=True) as s:
        m = s.execute(select(Mention).where(Mention.source == "tips", Mention.kind == "person",
                                            Mention.entity_id.is_not(None)).limit(1)).scalar_one()
        details = dict(s.execute(select(Mention.kind, Mention.value).where(
            Mention.record_id == m.record_id, Mention.field.startswith(m.field + "."))).all())
    subject = {"name": m.value, **{k: v for k, v in details.items() if k in ("phone", "email")}}
    _, operator = _user(Role.TIPLINE_OPERATOR)
    with unit_of_work(operator) as s:
        done = tips.submit(s, operator, {"external_id": unique("call"), "channel": "phone",
                                         "received_at": "2026-11-20T10:00:00Z", "subjects": [subject],
                                         "narrative": f"{m.value} sells fake watches from a garage."},
                           source="tipline")
        tid = done.tip.id
    assert online.drain()
    with unit_of_work(resolved.viewer, readonly=True) as s:
        placed = s.execute(select(Mention.entity_id).where(Mention.record_id == tid, Mention.kind == "person")
                           ).scalar_one()
    assert placed == m.entity_id
    # the tip's page leads an analyst to the subject's entity
    from fastapi.testclient import TestClient

    from pathways.api.app import create_app
    from tests.web.conftest import login

    username, _ = _user(Role.INTELLIGENCE_ANALYST)
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, username)
        page = client.get(f"/tips/{tid}")
        assert page.status_code == 200 and f'href="/entities/{m.entity_id}"' in page.text
