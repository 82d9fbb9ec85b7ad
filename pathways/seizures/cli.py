"""``pathways seizures``: load the seizure history. ``pathways report seizures`` lives in report_cli."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn

from pathways.core.console import cli_errors, console, fail, new_app
from pathways.identity import service as identity
from pathways.seizures import importer
from pathways.store.session import unit_of_work

app = new_app("Seizures and detentions: load the seizure history.")


@app.command("import")
@cli_errors
def import_(
    file: Path = typer.Argument(..., help="seizures.csv (docs/formats.md): one row per seizure line"),
    rejects: Path | None = typer.Option(None, help="Where bad rows go (default: FILE.rejects.csv)"),
) -> None:
    """Load seizure history: validated whole first, applied in one transaction, idempotent."""
    if file.is_dir():
        raise fail(f"{file} is a directory, not a CSV file")
    viewer = identity.operator_viewer()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} seizures"),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def tick(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.advance(tasks[stage], advance)  # type: ignore[arg-type]

        with unit_of_work(viewer) as session:
            report = importer.import_seizures(session, viewer, file, rejects_path=rejects, progress=tick)
    console.print(f"{file.name}: {report.summary}", highlight=False)
