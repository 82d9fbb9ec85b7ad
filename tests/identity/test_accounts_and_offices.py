"""Accounts, lockout and the offices table, through the service and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pathways.core.errors import AccountLocked, InvalidInput, NotAuthenticated
from pathways.core.policy import Classification, OrgKind, Role, system_viewer
from pathways.core.settings import get_settings
from pathways.identity import service as identity
from pathways.identity.cli import offices_app, tokens_app, users_app
from pathways.identity.offices_file import DEFAULT_PATH
from pathways.store.session import unit_of_work
from tests.conftest import PASSWORD

runner = CliRunner()


def login(username: str, password: str) -> None:
    with unit_of_work(system_viewer("198.51.100.7")) as session:
        identity.authenticate(session, username, password, "198.51.100.7")


def test_lockout_after_repeated_failures_then_unlock(make_user, cli_viewer) -> None:  # type: ignore[no-untyped-def]
    username, _ = make_user(Role.BORDER_OFFICER)
    for _ in range(get_settings().lockout_threshold):
        with pytest.raises(NotAuthenticated):
            login(username, "wrong password!!")
    with pytest.raises(AccountLocked):
        login(username, PASSWORD)  # even the right password waits out the lock
    result = runner.invoke(users_app, ["unlock", username])
    assert result.exit_code == 0, result.output
    login(username, PASSWORD)


def test_unknown_user_and_wrong_password_look_the_same(make_user) -> None:  # type: ignore[no-untyped-def]
    username, _ = make_user(Role.SPECIAL_AGENT)
    with pytest.raises(NotAuthenticated) as a:
        login(username, "wrong password!!")
    with pytest.raises(NotAuthenticated) as b:
        login("no-such-user", "wrong password!!")
    assert str(a.value) == str(b.value)


def test_viewer_gets_the_roles_clearance_and_caveats(make_user) -> None:  # type: ignore[no-untyped-def]
    _, tipline = make_user(Role.TIPLINE_OPERATOR)
    assert "TIPSTER-IDENTITY" in tipline.caveats
    _, owner = make_user(Role.RIGHTS_OWNER, org_name="Example Rights Owner Co", org_kind=OrgKind.RIGHTS_OWNER)
    assert owner.clearance == Classification.UNCLASSIFIED
    assert not owner.is_agency


def test_weak_passwords_and_bad_roles_are_refused(cli_viewer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="12 characters"), unit_of_work(cli_viewer) as session:
        identity.create_user(session, cli_viewer, username="shorty", password="short", roles=frozenset({Role.ADMIN}))
    with pytest.raises(InvalidInput, match="roles are"):
        identity.parse_roles("admin, wizard")


def test_users_cli_creates_and_lists(database_url: str) -> None:
    made = runner.invoke(users_app, ["create", "cli-analyst", "--roles", "intelligence_analyst",
                                     "--password", PASSWORD])
    assert made.exit_code == 0, made.output
    again = runner.invoke(users_app, ["create", "cli-analyst", "--roles", "intelligence_analyst",
                                      "--password", PASSWORD])
    assert again.exit_code == 2 and "already exists" in again.output
    listed = runner.invoke(users_app, ["list"])
    assert "cli-analyst" in listed.output


def test_tokens_cli_prints_the_secret_once_and_revokes(make_user) -> None:  # type: ignore[no-untyped-def]
    username, _ = make_user(Role.SPECIAL_AGENT)
    made = runner.invoke(tokens_app, ["create", "--user", username, "--name", "nightly", "--scopes", "read"])
    assert made.exit_code == 0, made.output
    secret = next(w for w in made.output.split() if w.startswith("pw_") and len(w) > 20)
    with unit_of_work(system_viewer("test")) as session:
        assert identity.token_user(session, secret) is not None
    revoked = runner.invoke(tokens_app, ["revoke", secret[:10]])
    assert revoked.exit_code == 0, revoked.output
    with unit_of_work(system_viewer("test")) as session:
        assert identity.token_user(session, secret) is None
    bad = runner.invoke(tokens_app, ["create", "--user", username, "--name", "x", "--scopes", "everything"])
    assert bad.exit_code == 2 and "unknown scope" in bad.output


def test_offices_load_from_the_shipped_file_and_reload_changes_nothing(fresh_database: str) -> None:
    first = runner.invoke(offices_app, ["load"])
    assert first.exit_code == 0, first.output
    shipped = len(json.loads(DEFAULT_PATH.read_text())["offices"])
    assert f"{shipped} created" in first.output
    second = runner.invoke(offices_app, ["load"])
    assert "0 created, 0 updated" in second.output
    listed = runner.invoke(offices_app, ["list", "--kind", "attache_office"])
    assert "ATT-MEX" in listed.output and "SAC-HOU" not in listed.output
    with unit_of_work(system_viewer("test")) as session:
        kinds = {o.kind for o in identity.list_offices(session)}
    assert kinds == {"field_office", "attache_office", "hq_triage"}


def test_a_broken_offices_file_is_refused_with_a_reason(fresh_database: str, tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text())
    data["offices"].append(dict(data["offices"][0]))  # the same office twice
    broken = tmp_path / "offices.json"
    broken.write_text(json.dumps(data))
    result = runner.invoke(offices_app, ["load", str(broken)])
    assert result.exit_code == 2
    assert "offices file" in result.output and data["offices"][0]["code"] in result.output
    with unit_of_work(system_viewer("test")) as session:
        assert identity.list_offices(session) == []  # nothing half-loaded


def test_offices_removed_from_the_file_become_inactive(fresh_database: str, tmp_path: Path) -> None:
    runner.invoke(offices_app, ["load"])
    data = json.loads(DEFAULT_PATH.read_text())
    data["offices"] = [o for o in data["offices"] if o["code"] != "ATT-TYO"]
    data_path = tmp_path / "offices.json"
    data_path.write_text(json.dumps(data))
    result = runner.invoke(offices_app, ["load", str(data_path)])
    assert "0 created, 1 updated" in result.output, result.output
    with unit_of_work(system_viewer("test")) as session:
        tokyo = next(o for o in identity.list_offices(session) if o.code == "ATT-TYO")
    assert tokyo.active is False
