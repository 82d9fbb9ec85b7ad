"""Plain bar charts for the report, drawn once as shapes and written as SVG (web) or ReportLab (PDF).

No JavaScript and nothing fetched: a chart is a list of rectangles, lines and text in a fixed box, so the
page and the PDF show the same picture. Bars are dark on white with their value printed beside them,
readable in black-and-white print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

INK = "#1f2933"
BAR = "#2f5d8a"
HIGHLIGHT = "#0b2e4f"
GRID = "#c5cdd6"
FONT = "Helvetica, Arial, sans-serif"


@dataclass
class Shape:
    kind: str  # rect | line | text
    x: float
    y: float
    w: float = 0.0  # rect width, or line x2
    h: float = 0.0  # rect height, or line y2
    fill: str = INK
    text: str = ""
    size: float = 11.0
    anchor: str = "start"  # start | middle | end
    bold: bool = False


@dataclass
class Chart:
    title: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    description: str = ""


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def hbar(title: str, items: Sequence[tuple[str, float]], fmt: Callable[[float], str], *, width: float = 720,
         label_width: float = 210, description: str = "") -> Chart:
    """Horizontal bars, one per item, largest value first as given."""
    row, top, bottom = 22.0, 30.0, 12.0
    height = top + row * max(len(items), 1) + bottom
    chart = Chart(title, width, height, description=description)
    chart.shapes.append(Shape("text", 0, 16, text=title, size=13, bold=True))
    peak = max((v for _, v in items), default=0.0) or 1.0
    span = width - label_width - 90
    for i, (label, value) in enumerate(items):
        y = top + i * row
        chart.shapes.append(Shape("text", label_width - 8, y + 15, text=_clip(label, 30), size=11, anchor="end"))
        w = max(span * value / peak, 1.0 if value else 0.0)
        chart.shapes.append(Shape("rect", label_width, y + 3, w, row - 7, fill=BAR))
        chart.shapes.append(Shape("text", label_width + w + 6, y + 15, text=fmt(value), size=11))
    if not items:
        chart.shapes.append(Shape("text", label_width, top + 15, text="No seizures", size=11))
    chart.shapes.append(Shape("line", label_width, top, label_width, height - bottom, fill=INK))
    return chart


def vbar(title: str, items: Sequence[tuple[str, float]], fmt: Callable[[float], str], *, width: float = 720,
         height: float = 250, highlight: str | None = None, description: str = "") -> Chart:
    """Vertical bars over time (the trend), the year of the report drawn darker."""
    top, bottom, left = 34.0, 28.0, 10.0
    chart = Chart(title, width, height, description=description)
    chart.shapes.append(Shape("text", 0, 16, text=title, size=13, bold=True))
    peak = max((v for _, v in items), default=0.0) or 1.0
    base = height - bottom
    slot = (width - 2 * left) / max(len(items), 1)
    bar_w = min(slot * 0.6, 90)
    chart.shapes.append(Shape("line", left, base, width - left, base, fill=INK))
    for i, (label, value) in enumerate(items):
        cx = left + slot * (i + 0.5)
        h = (base - top - 16) * value / peak
        chart.shapes.append(Shape("rect", cx - bar_w / 2, base - h, bar_w, h,
                                  fill=HIGHLIGHT if label == highlight else BAR))
        chart.shapes.append(Shape("text", cx, base - h - 5, text=fmt(value), size=11, anchor="middle"))
        chart.shapes.append(Shape("text", cx, base + 17, text=label, size=11, anchor="middle",
                                  bold=label == highlight))
    return chart


def to_svg(chart: Chart) -> str:
    """An inline ``<svg>`` with a title and description for screen readers."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width:.0f} {chart.height:.0f}" '
           f'width="{chart.width:.0f}" height="{chart.height:.0f}" role="img" class="chart" '
           f'font-family="{FONT}"><title>{escape(chart.title)}</title>'
           f'<desc>{escape(chart.description or chart.title)}</desc>']
    for s in chart.shapes:
        if s.kind == "rect":
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.fill}"/>')
        elif s.kind == "line":
            out.append(f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.w:.1f}" y2="{s.h:.1f}" stroke="{s.fill}"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:.0f}" text-anchor="{s.anchor}" '
                       f'fill="{s.fill}"{weight}>{escape(s.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def to_drawing(chart: Chart, scale: float = 0.75) -> Any:
    """The same chart as a ReportLab ``Drawing`` (PDF points; y grows upwards there)."""
    from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
    from reportlab.lib.colors import HexColor

    d = Drawing(chart.width * scale, chart.height * scale)
    g = Group()
    flip = chart.height
    for s in chart.shapes:
        if s.kind == "rect":
            g.add(Rect(s.x, flip - s.y - s.h, s.w, s.h, fillColor=HexColor(s.fill), strokeColor=None))
        elif s.kind == "line":
            g.add(Line(s.x, flip - s.y, s.w, flip - s.h, strokeColor=HexColor(s.fill), strokeWidth=0.8))
        else:
            g.add(String(s.x, flip - s.y, s.text, fontSize=s.size, fillColor=HexColor(s.fill),
                         textAnchor=s.anchor, fontName="Helvetica-Bold" if s.bold else "Helvetica"))
    g.scale(scale, scale)
    d.add(g)
    return d
