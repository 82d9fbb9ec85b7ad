"""The annual seizure statistics report: queries, charts, and HTML, PDF and CSV renderers."""

from __future__ import annotations

from pathways.seizures.report.queries import SeizureReport, build_report, fiscal_years, latest_fiscal_year

FORMATS = ("html", "pdf", "csv")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def render(report: SeizureReport, fmt: str) -> bytes:
    """The report in one of ``FORMATS``."""
    from pathways.core.errors import InvalidInput

    if fmt == "html":
        from pathways.seizures.report.render_html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from pathways.seizures.report.render_pdf import render_pdf

        return render_pdf(report)
    if fmt == "csv":
        from pathways.seizures.report.render_csv import render_csv

        return render_csv(report).encode("utf-8")
    raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "MEDIA_TYPES", "SeizureReport", "build_report", "fiscal_years", "latest_fiscal_year", "render"]
