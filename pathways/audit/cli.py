"""``pathways audit``: verify the chain, search events."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from pathways.audit import service
from pathways.core.console import cli_errors, console, fail, new_app
from pathways.core.policy import system_viewer
from pathways.store.session import unit_of_work

app = new_app("The audit log: verify the hash chain, search events.")


@app.command()
@cli_errors
def verify() -> None:
    """Exit 0 if the chain is whole; otherwise name the first broken event and exit 1."""
    with unit_of_work(system_viewer("cli"), readonly=True) as session:
        report = service.verify(session)
    if not report.intact:
        raise fail(f"audit chain broken: {report.reason} ({report.checked} events verified before it)", code=1)
    console.print(f"audit chain intact: {report.checked} events")


@app.command()
@cli_errors
def search(
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = typer.Option(None, "--object-type"),
    object_id: str | None = typer.Option(None, "--object-id"),
    origin: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    text: str | None = typer.Option(None, "--text", help="Text inside the event detail"),
    limit: int = 50,
) -> None:
    """Search events, newest first."""
    query = service.AuditQuery(actor, action, object_type, object_id, origin, since, until, text)
    with unit_of_work(system_viewer("cli")) as session:
        events = service.search(session, system_viewer("cli"), query, limit)
        table = Table("#", "when (UTC)", "actor", "action", "object", "origin", "detail")
        for e in events:
            table.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action,
                          f"{e.object_type} {e.object_id or ''}".strip(), e.origin, e.detail[:80])
    console.print(table)
    if not events:
        console.print("no events match")
