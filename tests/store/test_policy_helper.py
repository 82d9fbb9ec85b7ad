"""The one query helper: what it returns is exactly what the pure rule allows, on every database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from pathways.core.errors import InvalidInput, NotFound
from pathways.core.ids import new_id
from pathways.core.policy import PUBLIC, Caveat, Classification, Markings, OrgKind, Role, Viewer, can_see
from pathways.store.engine import get_engine
from pathways.store.policy import Compartment, Pointer, fetch, visible
from pathways.store.session import unit_of_work


class ProbeBase(DeclarativeBase):
    pass


class Probe(__import__("pathways.store.base", fromlist=["Marked"]).Marked, ProbeBase):
    """A marked record kept apart from the product's tables; stands for any record a module defines."""

    __tablename__ = "policy_probe"
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    batch: Mapped[str] = mapped_column(String(36), index=True)


AGENCY, P1, P2 = "org-agency", "org-partner-1", "org-partner-2"
ORGS = [AGENCY, P1, P2, None]
COMPARTMENTS = ["OP-ALPHA", "OP-BRAVO", "OP_%LIKE"]  # the last proves LIKE wildcards are escaped


@pytest.fixture(scope="module")
def probe_table(database_url: str) -> Iterator[None]:
    ProbeBase.metadata.create_all(get_engine())
    from pathways.core.policy import system_viewer

    with unit_of_work(system_viewer("test")) as session:
        have = set(session.execute(select(Compartment.name)).scalars())
        for name in COMPARTMENTS:
            if name not in have:
                session.add(Compartment(name=name))
    yield
    ProbeBase.metadata.drop_all(get_engine())


tokens = lambda values: st.frozensets(st.sampled_from(values))  # noqa: E731

markings_st = st.builds(
    Markings,
    classification=st.sampled_from(list(Classification)),
    caveats=tokens([c.value for c in Caveat]),
    owner_org_id=st.sampled_from(ORGS),
    owner_office_id=st.none(),
    compartments=tokens(COMPARTMENTS),
    releasable_to=tokens([P1, P2, PUBLIC]),
)

viewer_st = st.builds(
    lambda org, clearance, caveats, compartments, anon: Viewer(
        user_id=None if anon else "u",
        username="anonymous" if anon else "someone",
        org_id=None if anon else org,
        org_kind=None if anon else (OrgKind.AGENCY if org == AGENCY else OrgKind.PARTNER_FOREIGN),
        roles=frozenset({Role.PUBLIC}) if anon else frozenset({Role.INTELLIGENCE_ANALYST}),
        clearance=Classification.UNCLASSIFIED if anon else clearance,
        caveats=frozenset() if anon else caveats,
        compartments=frozenset() if anon else compartments,
        agency_org_id=AGENCY,
    ),
    org=st.sampled_from([AGENCY, P1, P2]),
    clearance=st.sampled_from(list(Classification)),
    caveats=tokens([c.value for c in Caveat]),
    compartments=tokens(COMPARTMENTS),
    anon=st.booleans(),
)


def _insert(session: Session, batch: str, records: list[Markings]) -> list[Probe]:
    rows = []
    for m in records:
        row = Probe(batch=batch)
        row.apply_markings(m)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(markings_st, min_size=1, max_size=12), viewers=st.lists(viewer_st, min_size=1, max_size=4))
def test_a_viewer_sees_exactly_what_its_markings_allow(
    probe_table: None, cli_viewer: Viewer, records: list[Markings], viewers: list[Viewer]
) -> None:
    batch = str(uuid.uuid4())
    with unit_of_work(cli_viewer) as session:
        rows = _insert(session, batch, records)
        for viewer in viewers:
            stmt = visible(session, select(Probe.id).where(Probe.batch == batch), Probe, viewer)
            seen = set(session.execute(stmt).scalars())
            allowed = {r.id for r in rows if can_see(viewer, r.markings)}
            assert seen == allowed
            for row in rows:  # never a record outside the viewer's markings, whatever the path
                if row.id not in allowed:
                    with pytest.raises(NotFound):
                        fetch(session, Probe, row.id, viewer)


def test_agency_staff_get_a_pointer_not_the_record(probe_table: None, cli_viewer: Viewer) -> None:
    analyst = Viewer("u", "analyst", org_id=AGENCY, org_kind=OrgKind.AGENCY,
                     clearance=Classification.LAW_ENFORCEMENT_SENSITIVE, agency_org_id=AGENCY)
    with unit_of_work(cli_viewer) as session:
        (row,) = _insert(session, "pointer", [Markings(owner_org_id=AGENCY, owner_office_id="office-1",
                                                       compartments=frozenset({"OP-ALPHA"}))])
        got = fetch(session, Probe, row.id, analyst, pointer_ok=True)
        assert isinstance(got, Pointer)
        assert got.owner_office_id == "office-1"
        assert "contact" in got.message


def test_unknown_compartments_are_refused(probe_table: None, cli_viewer: Viewer) -> None:
    with pytest.raises(InvalidInput, match="OP-NOBODY"), unit_of_work(cli_viewer) as session:
        _insert(session, "bad", [Markings(compartments=frozenset({"OP-NOBODY"}))])


def test_the_audit_trail_keeps_no_content_of_protected_records(probe_table: None, cli_viewer: Viewer) -> None:
    """Auditors read the log; their clearance need not cover the records, so values stay out of it."""
    from pathways.store.audit import AuditEvent

    with unit_of_work(cli_viewer) as session:
        (les,) = _insert(session, "les-content-7f3a", [Markings(Classification.LAW_ENFORCEMENT_SENSITIVE)])
        (plain,) = _insert(session, "plain-content-9b1c", [Markings(Classification.UNCLASSIFIED)])
        les.batch = "les-content-changed"
    with unit_of_work(cli_viewer) as session:
        details = {
            (e.object_id, e.action): e.detail
            for e in session.execute(select(AuditEvent).where(AuditEvent.object_id.in_([les.id, plain.id]))).scalars()
        }
    assert "les-content" not in details[(les.id, "create")]
    assert '"batch": "<withheld>"' in details[(les.id, "create")]
    assert '"classification": 2' in details[(les.id, "create")]
    assert "plain-content-9b1c" in details[(plain.id, "create")]


def test_reading_a_protected_record_is_audited_even_when_nothing_else_is_written(
    probe_table: None, cli_viewer: Viewer
) -> None:
    from pathways.store.audit import AuditEvent

    analyst = Viewer("u-reader", "reader", org_id=AGENCY, org_kind=OrgKind.AGENCY,
                     clearance=Classification.LAW_ENFORCEMENT_SENSITIVE, agency_org_id=AGENCY, origin="192.0.2.44")
    with unit_of_work(cli_viewer) as session:
        (row,) = _insert(session, "read-audit", [Markings(owner_org_id=AGENCY)])
    with unit_of_work(analyst) as session:
        assert fetch(session, Probe, row.id, analyst) is not None
    with unit_of_work(cli_viewer) as session:
        reads = session.execute(
            select(AuditEvent).where(AuditEvent.object_id == row.id, AuditEvent.action == "read")
        ).scalars().all()
    assert [(e.actor, e.origin) for e in reads] == [("reader", "192.0.2.44")]
