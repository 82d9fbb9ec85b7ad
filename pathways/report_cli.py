"""``pathways report``: the agency's published reports, written to a file."""

from __future__ import annotations

from pathlib import Path

import typer

from pathways.core.console import cli_errors, console, fail, new_app
from pathways.store.session import unit_of_work

app = new_app("Published reports: the annual seizure statistics.")


@app.command("seizures")
@cli_errors
def seizures(
    fy: int | None = typer.Option(None, "--fy", help="Fiscal year (October 1 to September 30); default the latest"),
    fmt: str = typer.Option("html", "--format", help="html, pdf or csv"),
    out: Path = typer.Option(..., "--out", help="File to write"),
) -> None:
    """The annual IPR seizure statistics for one fiscal year."""
    from pathways.identity.service import operator_viewer
    from pathways.seizures import report

    if fmt not in report.FORMATS:
        raise fail(f"--format {fmt!r} is not one of {', '.join(report.FORMATS)}")
    if out.is_dir():
        raise fail(f"--out {out} is a directory; name a file")
    if not out.parent.exists():
        raise fail(f"--out {out}: folder {out.parent} does not exist")
    viewer = operator_viewer()
    with unit_of_work(viewer, readonly=True) as session:
        year = fy or report.latest_fiscal_year(session, viewer)
        r = report.build_report(session, viewer, year)
    out.write_bytes(report.render(r, fmt))
    console.print(f"FY{year}: {r.seizures:,} seizures, {r.lines:,} lines, ${r.msrp:,.2f} MSRP -> {out}",
                  highlight=False)
