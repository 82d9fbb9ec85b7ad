"""``pathways screening``: ingest manifest files, screen them, load recordation products."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from pathways.core.console import cli_errors, console, new_app
from pathways.identity import service as identity
from pathways.screening import service
from pathways.screening.catalog import load_products
from pathways.screening.ingest import ingest_file
from pathways.screening.rules import load_rules
from pathways.store.session import unit_of_work

app = new_app("Manifest screening: ingest, screen, and the targeting queue.")


def _bar() -> Progress:
    return Progress(TextColumn("{task.description:8}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


@app.command("ingest")
@cli_errors
def ingest(
    file: Path = typer.Argument(..., help="Manifest lines: .csv, .parquet or .jsonl (docs/formats.md)"),
    rejects: Path | None = typer.Option(None, help="Where bad rows go (default: FILE.rejects.csv)"),
    mentions: bool = typer.Option(True, "--mentions/--no-mentions", help="Write the parties as mentions"),
) -> None:
    """Stream a manifest file into the line store; resumes a stopped ingest, skips a file seen before."""
    viewer = identity.operator_viewer()
    with _bar() as bar:
        task = bar.add_task("ingest", total=100)
        report = ingest_file(viewer, file, rejects_path=rejects, mentions=mentions,
                             progress=lambda f, _m: bar.update(task, completed=100 * f))
    console.print(f"{file.name}: {report.summary}", highlight=False)


@app.command("run")
@cli_errors
def run(
    file: Path = typer.Argument(..., help="Manifest lines: .csv, .parquet or .jsonl"),
    out: Path | None = typer.Option(None, "--out", help="Hits file, HITS.csv or HITS.parquet"),
    engine: str = typer.Option("embedded", help="embedded (Polars/DuckDB, all cores) or spark (local mode)"),
    sample_rate: float | None = typer.Option(None, "--sample-rate", help="Compliance sample of unflagged lines"),
    threshold: float | None = typer.Option(None, help="Score at which a line is targeted (default from rules)"),
    rules: Path | None = typer.Option(None, help="Rule weights (TOML); default PATHWAYS_SCREENING_RULES or built in"),
    mentions: bool = typer.Option(True, "--mentions/--no-mentions", help="Write the parties as mentions"),
    rejects: Path | None = typer.Option(None, help="Where bad rows go (default: FILE.rejects.csv)"),
) -> None:
    """Ingest and screen in one step: score every line, write the hits, fill the targeting queue."""
    chosen = load_rules(rules, sample_rate=sample_rate, threshold=threshold)
    viewer = identity.operator_viewer()
    with _bar() as bar:
        tasks: dict[str, int] = {}

        def tick(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=100)
            bar.update(tasks[stage], completed=100 * fraction)  # type: ignore[arg-type]

        report = service.run_file(viewer, file, out=out, engine=engine, rules=chosen, mentions=mentions,
                                  progress=tick, rejects_path=rejects)
    console.print(f"{file.name}: {report.ingest.summary}", highlight=False)
    console.print(report.summary, highlight=False)


@app.command("products")
@cli_errors
def products(file: Path = typer.Argument(..., help="products.csv: registration_number, product, hts_code, msrp_usd")
             ) -> None:
    """Load recorded products with their MSRP (for the undervaluation rule) where a recordation has none."""
    viewer = identity.operator_viewer()
    with unit_of_work(viewer) as session:
        added, skipped = load_products(session, file)
    console.print(f"{file.name}: {added} products added; {skipped} recordations already list products")


@app.command("rules")
@cli_errors
def rules_(rules: Path | None = typer.Argument(None, help="Rules file to check (default: the one in force)")) -> None:
    """Check a rules file and print the weights in force."""
    r = load_rules(rules)
    console.print(f"{r.source}: threshold {r.threshold:g}, sample rate {r.sample_rate:g}, "
                  f"undervalued below {r.undervalued_ratio:.0%} of MSRP", highlight=False)
    for k, v in r.weights.items():
        console.print(f"  {k:26} {v:+g}", highlight=False)
