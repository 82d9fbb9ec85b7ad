"""``pathways db``: migrations."""

from __future__ import annotations

from pathways.core.console import cli_errors, console, new_app
from pathways.store import migrate

app = new_app("Database schema: upgrade and inspect.")


@app.command()
@cli_errors
def upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest, which also builds any index that an
    interrupted bulk import left out)."""
    built = migrate.upgrade(revision)
    if built:
        console.print(f"built {len(built)} missing indexes: {', '.join(built)}")
    console.print(f"database at revision [bold]{migrate.current_revision()}[/]")


@app.command()
@cli_errors
def current() -> None:
    """Show the database's revision and the newest one available."""
    console.print(f"current: {migrate.current_revision() or 'empty'}; head: {', '.join(migrate.head_revisions())}")
