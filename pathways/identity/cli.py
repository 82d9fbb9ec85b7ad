"""``pathways users``, ``pathways tokens`` and ``pathways offices``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pathways.core.console import cli_errors, console, fail, new_app
from pathways.core.policy import OrgKind
from pathways.identity import service
from pathways.store.base import decode_tokens
from pathways.store.session import unit_of_work

users_app = new_app("User accounts.")
tokens_app = new_app("API bearer tokens.")
offices_app = new_app("Field offices, attaché offices and the HQ triage unit.")


@users_app.command("create")
@cli_errors
def users_create(
    username: str,
    roles: str = typer.Option(..., "--roles", help="Comma-separated: admin, supervisor, special_agent, ..."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    office: str | None = typer.Option(None, help="Office code, e.g. SAC-HOU"),
    organization: str | None = typer.Option(None, help="Organization name (default: the agency)"),
    org_kind: OrgKind = typer.Option(OrgKind.AGENCY, help="Kind of a new organization"),
    display_name: str = "",
) -> None:
    """Create a user account."""
    with unit_of_work(service.operator_viewer()) as session:
        org = service.get_or_create_org(session, organization, org_kind) if organization else None
        user = service.create_user(
            session,
            service.operator_viewer(),
            username=username,
            password=password,
            roles=service.parse_roles(roles),
            org=org,
            office_code=office,
            display_name=display_name,
        )
        console.print(f"created user [bold]{user.username}[/] ({', '.join(sorted(user.role_names))})")


@users_app.command("list")
@cli_errors
def users_list() -> None:
    """List user accounts."""
    with unit_of_work(service.operator_viewer(), readonly=True) as session:
        table = Table("username", "name", "organization", "office", "roles", "active")
        for u in service.list_users(session, service.operator_viewer()):
            table.add_row(
                u.username,
                u.display_name,
                u.organization.name,
                u.office.code if u.office else "",
                ", ".join(sorted(u.role_names)),
                "yes" if u.active else "no",
            )
        console.print(table)


@users_app.command("unlock")
@cli_errors
def users_unlock(username: str) -> None:
    """Unlock an account locked after failed logins."""
    with unit_of_work(service.operator_viewer()) as session:
        service.unlock_user(session, service.operator_viewer(), username)
    console.print(f"unlocked {username}")


@tokens_app.command("create")
@cli_errors
def tokens_create(
    user: str = typer.Option(..., "--user", help="The account the token acts for"),
    name: str = typer.Option(..., "--name", help="What the token is for"),
    scopes: str = typer.Option("read", "--scopes", help="Comma-separated: read, write, audit, admin"),
    expires_days: int | None = typer.Option(None, help="Days until it expires"),
) -> None:
    """Create a token for a user; the secret is printed once."""
    with unit_of_work(service.operator_viewer()) as session:
        account = service.user_by_name(session, user)
        if account is None:
            raise fail(f"user {user!r} not found")
        as_user = service.viewer_for(session, account, "cli")
        secret, token = service.create_token(session, as_user, name, scopes, expires_days)
    console.print(f"token {token.prefix}… ({', '.join(sorted(decode_tokens(token.scopes)))}) for {user}:")
    console.print(secret, highlight=False, soft_wrap=True)


@tokens_app.command("revoke")
@cli_errors
def tokens_revoke(token: str = typer.Argument(..., help="Token id or its prefix (pw_…)")) -> None:
    """Revoke a token."""
    with unit_of_work(service.operator_viewer()) as session:
        revoked = service.revoke_token(session, service.operator_viewer(), token)
    console.print(f"revoked {revoked.prefix}… ({revoked.name})")


@tokens_app.command("list")
@cli_errors
def tokens_list(user: str) -> None:
    """List a user's tokens."""
    with unit_of_work(service.operator_viewer(), readonly=True) as session:
        account = service.user_by_name(session, user)
        if account is None:
            raise fail(f"user {user!r} not found")
        table = Table("prefix", "name", "scopes", "created", "revoked")
        for t in service.list_tokens(session, service.viewer_for(session, account, "cli")):
            table.add_row(t.prefix, t.name, ", ".join(sorted(decode_tokens(t.scopes))),
                          f"{t.created_at:%Y-%m-%d}", f"{t.revoked_at:%Y-%m-%d}" if t.revoked_at else "")
        console.print(table)


@offices_app.command("load")
@cli_errors
def offices_load(path: Path | None = typer.Argument(None, help="Offices file (default: the shipped one)")) -> None:
    """Load or refresh offices from the data file."""
    with unit_of_work(service.operator_viewer()) as session:
        created, updated = service.load_offices(session, service.operator_viewer(), path)
    console.print(f"offices: {created} created, {updated} updated")


@offices_app.command("list")
@cli_errors
def offices_list(kind: str | None = typer.Option(None, help="field_office, attache_office or hq_triage")) -> None:
    """List offices."""
    import json

    with unit_of_work(service.operator_viewer(), readonly=True) as session:
        table = Table("code", "name", "kind", "covers")
        for o in service.list_offices(session, kind):
            states = sorted({a["state"] for a in json.loads(o.aor)})
            covers = ", ".join(states or json.loads(o.countries))
            table.add_row(o.code, o.name, o.kind, covers)
        console.print(table)
