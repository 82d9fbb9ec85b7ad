"""The report as one self-contained HTML file (styles inline, charts as inline SVG, nothing fetched)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pathways.seizures.report.charts import to_svg
from pathways.seizures.report.queries import DE_MINIMIS_USD, SeizureReport, money
from pathways.seizures.report.sections import Section, sections

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def report_context(r: SeizureReport) -> dict[str, object]:
    """What both the standalone file and the page template need."""
    secs: list[Section] = sections(r)
    return {"r": r, "sections": secs, "svgs": {s.key: Markup(to_svg(s.chart)) for s in secs}, "money": money,
            "de_minimis_usd": DE_MINIMIS_USD}


def render_html(r: SeizureReport) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("seizures/report_file.html").render(**report_context(r))
