"""The audit trail: every write leaves an event, the chain holds, and tampering is caught."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from pathways.audit import service as audit
from pathways.audit.cli import app
from pathways.core.errors import AuditMissing
from pathways.core.policy import Role, system_viewer
from pathways.identity import service as identity
from pathways.identity.models import Organization
from pathways.store.audit import AuditEvent
from pathways.store.engine import get_engine, session_factory
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD, unique

runner = CliRunner()


def test_a_write_with_no_viewer_is_refused(database_url: str) -> None:
    session = session_factory()()
    try:
        session.add(Organization(name=unique("org"), kind="partner_domestic"))
        with pytest.raises(AuditMissing):
            session.flush()
    finally:
        session.rollback()
        session.close()


def test_creates_and_updates_name_who_what_and_from_where(make_user, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    username, _ = make_user(Role.BORDER_OFFICER)
    with unit_of_work(system_viewer("10.1.2.3", cli_viewer.agency_org_id)) as session:
        identity.unlock_user(session, system_viewer("10.1.2.3"), username)  # no change: no event
        user = identity.user_by_name(session, username)
        assert user is not None
        user.display_name = "Officer Ramos"
        user_id = user.id
    with unit_of_work(cli_viewer) as session:
        events = session.execute(
            select(AuditEvent).where(AuditEvent.object_id == user_id).order_by(AuditEvent.seq)
        ).scalars().all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].origin == "10.1.2.3"
    assert "Officer Ramos" in events[1].detail
    assert "password_hash" in events[0].detail and PASSWORD not in events[0].detail
    assert "argon2" not in events[0].detail  # secrets are redacted, even hashed


def test_failed_logins_are_audited_even_though_the_login_fails(make_user, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    username, _ = make_user(Role.SPECIAL_AGENT)
    with pytest.raises(Exception, match="wrong username or password"), \
            unit_of_work(system_viewer("203.0.113.9")) as session:
        identity.authenticate(session, username, "not the password", "203.0.113.9")
    with unit_of_work(cli_viewer) as session:
        hits = audit.search(session, cli_viewer, audit.AuditQuery(action="login_failed", origin="203.0.113.9"))
    assert any(username in e.detail for e in hits)


def test_every_row_of_every_audited_table_has_its_create_event(make_user, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    """Completeness: walk every table the product defines; a row with no event fails the suite.

    A table written by batch loads names its load column (``__audit_batch_column__``); its rows are
    covered by the one "load" event of their load, or by their own create event when written online."""
    from pathways.store.base import Base
    from pathways.store.models import load_all_models

    _, viewer = make_user(Role.ADMIN)
    with unit_of_work(viewer) as session:
        identity.create_token(session, viewer, "completeness", "read")
    metadata = load_all_models()
    audited = {m.class_ for m in Base.registry.mappers if getattr(m.class_, "__audited__", False)}
    with get_engine().connect() as conn:
        created = set(conn.execute(text("SELECT object_id FROM audit_events WHERE action = 'create'")).scalars())
        loads = set(conn.execute(text("SELECT object_id FROM audit_events WHERE action = 'load'")).scalars())
        for model in sorted(audited, key=lambda m: m.__tablename__):
            table = metadata.tables[model.__tablename__].name
            batch = getattr(model, "__audit_batch_column__", None)
            rows = conn.execute(text(f"SELECT id, {batch or 'NULL'} FROM {table}")).all()
            missing = [row_id for row_id, load in rows if row_id not in created and load not in loads]
            assert not missing, f"{len(missing)} row(s) of {table} were written without an audit event"


def test_concurrent_writers_keep_one_unbroken_chain(cli_viewer) -> None:  # type: ignore[no-untyped-def]
    def write(i: int) -> None:
        with unit_of_work(cli_viewer) as session:
            identity.get_or_create_org(session, unique(f"concurrent-{i}"), identity.OrgKind.PARTNER_DOMESTIC)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(write, range(30)))
    with unit_of_work(cli_viewer, readonly=True) as session:
        report = audit.verify(session)
    assert report.intact, report.reason


def test_the_log_refuses_updates_and_deletes(fresh_database: str, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(system_viewer("test")) as session:
        identity.agency(session)
    with pytest.raises(DBAPIError, match="append-only"), get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'nobody'"))
    with pytest.raises(DBAPIError, match="append-only"), get_engine().begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))


def _drop_guard(conn) -> None:  # type: ignore[no-untyped-def]
    """What a database superuser could do: switch off the append-only triggers."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
    else:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def _seed_events(n: int) -> None:
    for i in range(n):
        with unit_of_work(system_viewer("test")) as session:
            identity.get_or_create_org(session, f"tamper-{i}", identity.OrgKind.PARTNER_FOREIGN)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("UPDATE audit_events SET detail = '{}' WHERE seq = 3", "event #3 was altered"),
        ("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2", "event #2 was altered"),
        ("DELETE FROM audit_events WHERE seq = 3", "event #3 is missing"),
        ("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)", "were removed"),
    ],
)
def test_verify_names_the_first_broken_event(fresh_database: str, tamper: str, expected: str) -> None:
    _seed_events(5)
    ok = runner.invoke(app, ["verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with get_engine().begin() as conn:
        _drop_guard(conn)
        conn.execute(text(tamper))
    broken = runner.invoke(app, ["verify"])
    assert broken.exit_code == 1
    assert expected in broken.output


def test_audit_search_from_the_cli(fresh_database: str) -> None:
    _seed_events(2)
    result = runner.invoke(app, ["search", "--object-type", "organizations", "--limit", "10"])
    assert result.exit_code == 0, result.output
    assert "create" in result.output and "organizations" in result.output
    empty = runner.invoke(app, ["search", "--actor", "nobody-at-all"])
    assert "no events match" in empty.output
