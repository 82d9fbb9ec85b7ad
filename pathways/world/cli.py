"""`pathways world generate`: a thin shell over generate_world with a Rich progress bar."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pathways.world.generate import generate_world
from pathways.world.scales import SCALES

app = typer.Typer(help="The synthetic world: fictional brands, parties, networks, shipments, seizures and tips.",
                  no_args_is_help=True)


@app.callback()
def _world() -> None:
    """Synthetic world generator (demo, tests, benchmarks)."""


@app.command()
def generate(
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed and scale give identical files."),
    scale: str = typer.Option("tiny", "--scale", help=f"One of: {', '.join(SCALES)}."),
    out: Path = typer.Option(..., "--out", help="Directory to write the world into."),
    fmt: str = typer.Option("parquet", "--format", help="Manifest line format: parquet, csv or jsonl."),
) -> None:
    """Generate a world with ground truth into --out."""
    console = Console(stderr=True)
    if scale not in SCALES:
        console.print(f"error: unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
        raise typer.Exit(2)
    if fmt not in ("parquet", "csv", "jsonl"):
        console.print(f"error: unknown format {fmt!r}; choose parquet, csv or jsonl")
        raise typer.Exit(2)
    tasks: dict[str, TaskID] = {}
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:

        def progress(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], advance=advance)

        summary = generate_world(out, seed, scale, progress=progress, fmt=fmt)
    typer.echo(f"world written to {summary.out_dir}: {summary}")
