"""The ``pathways`` command: every module's commands under one roof."""

from __future__ import annotations

import typer

from pathways.audit.cli import app as audit_app
from pathways.core.console import cli_errors, console, new_app
from pathways.core.settings import get_settings
from pathways.identity.cli import offices_app, tokens_app, users_app
from pathways.registry.cli import app as registry_app
from pathways.report_cli import app as report_app
from pathways.resolve.cli import app as resolve_app
from pathways.screening.cli import app as screening_app
from pathways.seizures.cli import app as seizures_app
from pathways.store.cli import app as db_app
from pathways.tips.cli import app as tips_app
from pathways.world.cli import app as world_app

app = new_app("Pathways: investigative platform for customs-and-border criminal investigations.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(offices_app, name="offices")
app.add_typer(audit_app, name="audit")
app.add_typer(world_app, name="world")
app.add_typer(registry_app, name="registry")
app.add_typer(tips_app, name="tips")
app.add_typer(screening_app, name="screening")
app.add_typer(seizures_app, name="seizures")
app.add_typer(report_app, name="report")
app.add_typer(resolve_app, name="resolve")


@app.command()
@cli_errors
def serve(
    host: str | None = typer.Option(None, help="Default: PATHWAYS_HOST (127.0.0.1)"),
    port: int | None = typer.Option(None, help="Default: PATHWAYS_PORT (8000)"),
    workers: int = typer.Option(1, help="Worker processes"),
) -> None:
    """Serve the API and the web UI."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "pathways.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=False,
        access_log=False,  # the anonymous tip line must not keep client addresses, not even in a log
    )


@app.command()
@cli_errors
def demo(
    seed: int = typer.Option(7, help="World seed"),
    scale: str = typer.Option("tiny", help="World scale: tiny, small, medium, large"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the UI when set up"),
) -> None:
    """Set up the embedded database with a synthetic world and demo accounts, then serve."""
    from pathways.demo import setup_demo

    info = setup_demo(seed=seed, scale=scale)
    for line in info.steps:
        console.print(f"  {line}")
    console.print(f"\n[bold green]Pathways demo ready[/] at {info.url}")
    console.print(f"  log in as [bold]admin[/] with password [bold]{info.password}[/]")
    console.print(f"  other demo accounts (same password): {', '.join(u for u in info.users if u != 'admin')}")
    if serve_after:
        serve(host=None, port=None, workers=1)


if __name__ == "__main__":
    app()
