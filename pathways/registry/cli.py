"""``pathways registry``: bulk import, search, the expiry job, and one recordation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from pathways.core.console import cli_errors, console, fail, new_app
from pathways.identity import service as identity
from pathways.registry import importer, service
from pathways.registry.search import SearchQuery, search
from pathways.store.session import unit_of_work

app = new_app("IPR recordations: import, search, expire.")


@app.command("import")
@cli_errors
def import_(
    file: Path = typer.Argument(..., help="CSV file (docs/formats.md, 'Recordations import')"),
    rejects: Path | None = typer.Option(None, help="Where bad rows go (default: FILE.rejects.csv)"),
) -> None:
    """Import recordations from CSV: validated whole first, applied in one transaction, idempotent."""
    if file.is_dir():
        raise fail(f"{file} is a directory, not a CSV file")
    viewer = identity.operator_viewer()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=True) as bar:
        tasks: dict[str, int] = {}

        def tick(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.advance(tasks[stage], advance)  # type: ignore[arg-type]

        with unit_of_work(viewer) as session:
            report = importer.import_recordations(session, viewer, file, rejects_path=rejects, progress=tick)
    console.print(f"{file.name}: {report.summary}", highlight=False)


@app.command("search")
@cli_errors
def search_(
    query: str = typer.Argument(..., help="Words, a mark, or a record number"),
    similar: bool = typer.Option(False, "--similar", help="Identical and confusingly similar marks, best first"),
    class_number: int | None = typer.Option(None, "--class", help="International class"),
    owner: str | None = typer.Option(None, help="Owner name contains"),
    country: str | None = typer.Option(None, help="Owner country (ISO two letters)"),
    status: str | None = typer.Option(None, help="pending, active, expired, inactive or rejected"),
    limit: int = typer.Option(20, min=1, max=500),
    why: bool = typer.Option(True, "--why/--no-why", help="Show the score and reasons of similar hits"),
) -> None:
    """Search recordations; one per line: record number, then mark."""
    viewer = identity.operator_viewer()
    with unit_of_work(viewer, readonly=True) as session:
        result = search(session, viewer, SearchQuery(q=query, similar=similar, class_number=class_number,
                                                     owner=owner, country=country, status=status, limit=limit))
        for hit in result.hits:
            rec = hit.recordation
            line = f"{rec.record_number}\t{rec.mark}"
            if similar and why:
                line += f"\t{hit.score:.0f}\t{', '.join(hit.reasons)}\t{rec.status}"
            elif not similar:
                line += f"\t{rec.status}"
            typer.echo(line)
    if not result.hits:
        console.print("no recordations found", style="dim")


@app.command("expire")
@cli_errors
def expire(today: str | None = typer.Option(None, help="Run as of this date (YYYY-MM-DD); default today")) -> None:
    """The scheduled job: post renewal reminders and expire recordations past their 90-day window."""
    try:
        as_of = date.fromisoformat(today) if today else None
    except ValueError:
        raise fail(f"--today {today!r} is not a date (YYYY-MM-DD)") from None
    viewer = identity.operator_viewer()
    with unit_of_work(viewer) as session:
        report = service.expire(session, viewer, as_of)
    console.print(f"expired {report.expired} recordation(s); posted {report.reminded} renewal reminder(s)")


@app.command("show")
@cli_errors
def show(number: str = typer.Argument(..., help="Record number, e.g. 'TMK 26-00001'")) -> None:
    """One recordation, every field."""
    viewer = identity.operator_viewer()
    with unit_of_work(viewer) as session:
        rec = service.get(session, viewer, number)
        console.print(f"[bold]{rec.record_number}[/] {rec.mark} ({rec.kind}, {rec.status})", highlight=False)
        console.print(f"  registration {rec.registration_number}, expires {rec.expires_on.isoformat()}")
        console.print(f"  owner {rec.owner_name} ({rec.owner_country})", highlight=False)
        for c in rec.classes:
            console.print(f"  class {c['number']}: {c['goods']}", highlight=False)
        for p in rec.authorized:
            console.print(f"  authorized {p['role']}: {p['name']} ({p['country']})", highlight=False)
        if rec.gray_market:
            console.print(f"  gray-market protection: {rec.gray_market_differences or '(differences not given)'}")
