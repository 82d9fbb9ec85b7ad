"""``pathways resolve ...``: entity resolution from the command line (a thin shell over the resolver)."""

from __future__ import annotations

from pathlib import Path

import typer

from pathways.core.console import cli_errors, console, err_console, fail, new_app
from pathways.resolve.dedupe import dedupe_file
from pathways.resolve.engines import ENGINES
from pathways.resolve.linkage import LinkSettings

app = new_app("Entity resolution: one entity for every real party, with explained matches.")


@app.command()
@cli_errors
def dedupe(
    file: Path = typer.Argument(..., help="CSV of party records: id, kind, name, first_name, last_name, dob, "
                                          "address, city, state, postcode, country, phone, email, identifier."),
    out: Path = typer.Option(..., "--out", help="Write id, entity_id here."),
    link_file: Path | None = typer.Option(None, "--link", help="Link FILE to this CSV instead of deduplicating."),
    pairs: Path | None = typer.Option(None, "--pairs", help="Also write the scored pairs with explanations."),
    engine: str = typer.Option("duckdb", "--engine", help=f"One of: {', '.join(ENGINES)}."),
    threshold: float = typer.Option(0.9, "--threshold", help="Match probability at which two records are one."),
    review_low: float = typer.Option(0.5, "--review-low", help="Pairs from here up to the threshold are uncertain."),
) -> None:
    """Resolve the records of FILE into entities, without loading them into the platform."""
    if engine not in ENGINES:
        raise fail(f"--engine must be one of {', '.join(ENGINES)}")
    if not 0 < threshold <= 1 or not 0 <= review_low <= threshold:
        raise fail("--threshold must be in (0, 1] and --review-low between 0 and the threshold")
    settings = LinkSettings(threshold=threshold, review_band=(review_low, threshold), engine=engine)
    with console.status("resolving", spinner="dots") as status:
        summary = dedupe_file(file, out, other_path=link_file, pairs_path=pairs, settings=settings,
                              on_stage=lambda stage: status.update(stage))
    console.print(f"{summary.records:,} records → {summary.entities:,} entities in {out}"
                  f" ({summary.stats.get('seconds', 0):.1f} s resolving)", highlight=False,
                  soft_wrap=True)
    if pairs is not None:
        console.print(f"{summary.pairs_written:,} pairs in {pairs}; {summary.review_pairs:,} uncertain "
                      f"(probability {review_low} to {threshold}) are worth a look", highlight=False, soft_wrap=True)
    if summary.ignored_columns:
        err_console.print(f"ignored columns: {', '.join(summary.ignored_columns)}", highlight=False)
    if summary.rejected:
        where = f" (see {summary.rejects_path})" if summary.rejects_path else ""
        err_console.print(f"{summary.rejected:,} rows rejected{where}", highlight=False)


@app.command()
@cli_errors
def run(
    engine: str = typer.Option("duckdb", "--engine", help=f"One of: {', '.join(ENGINES)}."),
    reuse_model: bool = typer.Option(False, "--reuse-model",
                                     help="Score with the last run's trained models instead of training anew."),
) -> None:
    """Resolve every party in the platform (manifests, tips, seizures) into entities with stable ids."""
    from pathways.identity.service import operator_viewer
    from pathways.resolve import service
    from pathways.store.session import unit_of_work

    if engine not in ENGINES:
        raise fail(f"--engine must be one of {', '.join(ENGINES)}")
    viewer = operator_viewer()
    with console.status("resolving", spinner="dots") as status, unit_of_work(viewer) as session:
        r = service.run(session, viewer, engine=engine, retrain=not reuse_model, progress=status.update)
    console.print(f"{r.records:,} party records → {r.entities:,} entities: {r.created:,} new, {r.merges:,} merged, "
                  f"{r.splits:,} split; {r.review_pairs:,} pairs waiting for review", highlight=False, soft_wrap=True)
