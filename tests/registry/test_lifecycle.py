"""The expiry job: reminders in the 90-day windows, expiry after the grace window, still searchable."""

from __future__ import annotations

from datetime import date, timedelta

from typer.testing import CliRunner

from pathways.cli import app
from pathways.core.policy import anonymous
from pathways.registry import service
from pathways.registry.search import SearchQuery, search
from pathways.store.session import unit_of_work
from tests.registry.conftest import filing


def test_reminders_then_expiry_and_the_expired_stay_searchable(owner, officer) -> None:  # type: ignore[no-untyped-def]
    expires = date(2031, 1, 15)
    with unit_of_work(owner) as session:
        rec, req = service.file_recordation(session, owner, filing(expires_on=expires, mark="LAPSING LARK"))
        rid, req_id = rec.id, req.id
    with unit_of_work(officer) as session:
        service.decide(session, officer, req_id, approve=True)
    with unit_of_work(officer) as session:
        assert service.expire(session, officer, expires - timedelta(days=91)).reminded == 0
    with unit_of_work(owner) as session:
        rec = service.get(session, owner, rid)
        assert service.renewal_reminder(rec, expires - timedelta(days=30)).startswith(rec.record_number)
        assert "stays in force until 2031-04-15" in service.renewal_reminder(rec, expires + timedelta(days=10))
    with unit_of_work(officer) as session:
        report = service.expire(session, officer, expires - timedelta(days=30))
        assert report.reminded >= 1
        again = service.expire(session, officer, expires - timedelta(days=29))
        assert again.reminded == 0  # a reminder is posted once per window
    with unit_of_work(officer) as session:
        service.expire(session, officer, expires + timedelta(days=89))
        assert service.get(session, officer, rid).status == "active"  # still inside the renewal window
        service.expire(session, officer, expires + timedelta(days=91))
        assert service.get(session, officer, rid).status == "expired"
    with unit_of_work(anonymous()) as session:
        hits = search(session, anonymous(), SearchQuery(q="LAPSING LARK")).hits
        assert [h.recordation.status for h in hits if h.recordation.id == rid] == ["expired"]
    with unit_of_work(owner) as session:
        kinds = [n.kind for n in service.notices(session, owner) if n.recordation_id == rid]
        assert "renewal_reminder" in kinds and "expired" in kinds


def test_expire_command(database_url: str) -> None:
    result = CliRunner().invoke(app, ["registry", "expire", "--today", "2020-01-01"])
    assert result.exit_code == 0 and "expired" in result.stdout
    bad = CliRunner().invoke(app, ["registry", "expire", "--today", "soon"])
    assert bad.exit_code == 2 and "not a date" in bad.stderr
