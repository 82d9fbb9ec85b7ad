"""Mentions and relations: written online or in bulk, always audited, always carrying markings."""

from __future__ import annotations

from sqlalchemy import func, select

from pathways.core.ids import new_id
from pathways.core.policy import Caveat, Markings, Role
from pathways.resolve.mentions import add_mention, add_relation, bulk_load
from pathways.resolve.models import Mention, MentionKind, Relation, RelationKind
from pathways.store.audit import AuditEvent
from pathways.store.policy import visible
from pathways.store.session import unit_of_work


def test_bulk_load_writes_rows_with_one_audit_event(cli_viewer) -> None:  # type: ignore[no-untyped-def]
    record = new_id()
    shipper, importer = new_id(), new_id()
    mentions = [
        {"id": shipper, "kind": "organization", "value": "Sunrise Trdg Co., Ltd", "normalized": "sunrise trading",
         "source": "screening", "record_type": "manifest_lines", "record_id": record, "field": "shipper_name"},
        {"id": importer, "kind": "organization", "value": "ACME IMPORTS LLC", "normalized": "acme imports",
         "source": "screening", "record_type": "manifest_lines", "record_id": record, "field": "importer_name"},
    ]
    relations = [{"kind": "ships_to", "source_mention_id": shipper, "target_mention_id": importer,
                  "record_type": "manifest_lines", "record_id": record}]
    with unit_of_work(cli_viewer) as session:
        load_id, n_mentions, n_relations = bulk_load(
            session, mentions=mentions, relations=relations,
            markings=Markings(owner_org_id=cli_viewer.agency_org_id), file="manifest.parquet",
        )
    assert (n_mentions, n_relations) == (2, 1)
    with unit_of_work(cli_viewer, readonly=True) as session:
        assert session.execute(select(func.count()).where(Mention.load_id == load_id)).scalar_one() == 2
        events = session.execute(select(AuditEvent).where(AuditEvent.object_id == load_id)).scalars().all()
        assert [e.action for e in events] == ["load"]
        assert '"mentions": 2' in events[0].detail and "manifest.parquet" in events[0].detail
        rel = session.execute(select(Relation).where(Relation.load_id == load_id)).scalar_one()
        assert rel.source_mention_id == shipper


def test_online_mentions_carry_the_records_markings(make_user, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    _, analyst = make_user(Role.INTELLIGENCE_ANALYST)
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    marked = Markings(caveats=frozenset({Caveat.TIPSTER_IDENTITY}), owner_org_id=cli_viewer.agency_org_id)
    record = new_id()
    with unit_of_work(cli_viewer) as session:
        phone = add_mention(session, kind=MentionKind.PHONE, value="(713) 555-0101", normalized="+17135550101",
                            source="tips", record_type="tips", record_id=record, field="tipster.phone",
                            markings=marked)
        person = add_mention(session, kind=MentionKind.PERSON, value="J. Doe", normalized="doe j",
                             source="tips", record_type="tips", record_id=record, field="tipster.name",
                             markings=marked)
        session.flush()
        add_relation(session, RelationKind.HAS_IDENTIFIER, person, phone, "tips", record, marked)
    with unit_of_work(cli_viewer, readonly=True) as session:
        stmt = select(Mention.id).where(Mention.record_id == record)
        assert session.execute(visible(session, stmt, Mention, analyst)).all() == []
        assert len(session.execute(visible(session, stmt, Mention, tipline)).all()) == 2
        created = session.execute(
            select(func.count()).where(AuditEvent.object_type == "mentions", AuditEvent.object_id == phone.id)
        ).scalar_one()
        assert created == 1
