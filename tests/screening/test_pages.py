"""The officer's pages: queue, a line's reasons, recording a seizure; the supervisor's hit rate."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pathways.api.app import create_app
from pathways.cli import app
from pathways.core.policy import Role
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD, unique
from tests.screening.conftest import ScreeningWorld
from tests.web.conftest import form_token, login


def _user(sworld: ScreeningWorld, role: Role) -> str:
    name = unique(role.value)
    with unit_of_work(sworld.viewer) as session:
        identity.create_user(session, sworld.viewer, username=name, password=PASSWORD, roles=frozenset({role}))
    return name


@pytest.fixture(scope="module")
def queued(sworld: ScreeningWorld) -> None:
    result = CliRunner().invoke(app, ["screening", "run", str(sworld.lines), "--no-mentions"])
    assert result.exit_code == 0, result.output


def test_officer_seizes_the_top_line_from_the_page(sworld: ScreeningWorld, queued: None) -> None:
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.BORDER_OFFICER))
        page = client.get("/screening/queue")
        assert page.status_code == 200 and "Targeting queue" in page.text
        first = re.search(r'href="/screening/lines/(L\d+)"', page.text)
        assert first, page.text
        line_id = first.group(1)
        detail = client.get(f"/screening/lines/{line_id}")
        assert "Why it was targeted" in detail.text and ("as recorded" in detail.text or "look-alike" in detail.text)
        bad = client.post(f"/screening/lines/{line_id}/outcome", data={"csrf_token": form_token(detail.text),
                                                                        "outcome": "seize", "quantity": "lots"})
        assert bad.status_code == 422 and "quantity &#39;lots&#39; is not a whole number" in bad.text
        done = client.post(f"/screening/lines/{line_id}/outcome",
                           data={"csrf_token": form_token(detail.text), "outcome": "seize", "note": "fake labels"})
        assert done.status_code == 303
        after = client.get(f"/screening/lines/{line_id}")
        assert "Seized as counterfeit" in after.text and "SZ " in after.text
        seizure = re.search(r'href="(/seizures/[^"]+)"', after.text)
        assert seizure and "Seizure lines" in client.get(seizure.group(1)).text
        assert client.get("/screening/hit-rate").status_code == 403
        api = client.get("/api/screening/queue", params={"limit": 3})
        assert api.status_code == 200 and len(api.json()) == 3
    with TestClient(create_app(), follow_redirects=False) as client:
        login(client, _user(sworld, Role.SUPERVISOR))
        rate = client.get("/screening/hit-rate")
        assert rate.status_code == 200 and "By rule" in rate.text and "100%" in rate.text


def test_anonymous_and_rights_owners_are_kept_out(sworld: ScreeningWorld, queued: None) -> None:
    with TestClient(create_app(), follow_redirects=False) as client:
        assert client.get("/screening/queue").status_code in (302, 303, 307)
        assert client.get("/api/screening/queue").status_code == 401
