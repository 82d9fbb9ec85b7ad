"""``pathways tips``: bulk import of a partner feed, and the export."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.core.console import cli_errors, console, fail, new_app
from pathways.identity import service as identity
from pathways.store.session import unit_of_work
from pathways.tips import importer

app = new_app("Tips: import a partner feed, export the tips with their bundles and offices.")


@app.command("import")
@cli_errors
def import_(
    file: Path = typer.Argument(..., help="JSONL, one tip per line (docs/tips.md)"),
    source: str = typer.Option("partner_feed", help="Feed name: external_ids are unique within it"),
    rejects: Path | None = typer.Option(None, help="Where bad lines go (default: FILE.rejects.csv)"),
) -> None:
    """Import tips: extraction, dedup, priority and routing; idempotent; bad lines to a rejects file."""
    if file.is_dir():
        raise fail(f"{file} is a directory, not a JSONL file")
    if not file.exists():
        raise fail(f"{file}: no such file")
    viewer = identity.operator_viewer()
    total = sum(1 for _ in file.open("rb"))
    with Progress(TextColumn("tips"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("tips", total=total)
        with unit_of_work(viewer) as session:
            report = importer.import_file(session, viewer, file, source=source, rejects_path=rejects,
                                          progress=lambda n: bar.advance(task, n))
    console.print(f"{file.name}: {report.summary}", highlight=False)


@app.command("export")
@cli_errors
def export(out: Path = typer.Option(..., "--out", help="CSV file to write")) -> None:
    """One row per tip: external_id, tip_id, bundle_id, category, priority, office_code, status."""
    if out.is_dir():
        raise fail(f"{out} is a directory")
    if not out.parent.exists():
        raise fail(f"{out.parent}: no such directory")
    viewer = identity.operator_viewer()
    with unit_of_work(viewer) as session:
        n = importer.export_csv(session, viewer, out)
    console.print(f"{n} tips written to {out}", highlight=False)
