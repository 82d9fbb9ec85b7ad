"""The report as a PDF with ReportLab (docs/decisions/0008): the same sections, charts and tables."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pathways.seizures.report.charts import to_drawing
from pathways.seizures.report.queries import SeizureReport
from pathways.seizures.report.sections import sections

MARKING = "UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE"


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, leading=22, alignment=0, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=13, leading=16, spaceBefore=10, spaceAfter=4,
                             textColor=colors.HexColor("#0b2e4f")),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "muted": ParagraphStyle("muted", parent=base["BodyText"], fontSize=8.5, leading=11,
                                textColor=colors.HexColor("#52606d")),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=8, leading=9.5),
        "num": ParagraphStyle("num", parent=base["BodyText"], fontSize=8, leading=9.5, alignment=2),
    }


def _page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 7.5)
    w, h = LETTER
    canvas.drawCentredString(w / 2, h - 0.45 * inch, MARKING)
    canvas.drawCentredString(w / 2, 0.4 * inch, MARKING)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawRightString(w - 0.75 * inch, 0.4 * inch, f"Page {doc.page}")
    canvas.restoreState()


def render_pdf(r: SeizureReport) -> bytes:
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
                            topMargin=0.7 * inch, bottomMargin=0.7 * inch,
                            title=f"IPR seizure statistics FY{r.fy}", author="Pathways")
    story: list = [
        Paragraph(f"Intellectual property rights seizure statistics, FY{r.fy}", st["title"]),
        Paragraph(f"Fiscal year {r.start.isoformat()} to {r.end.isoformat()}. Generated "
                  f"{r.generated_at:%Y-%m-%d %H:%M} UTC by Pathways.", st["muted"]),
        Paragraph("Executive summary", st["h2"]),
    ]
    story += [Paragraph(escape(s), st["body"]) for s in r.summary]
    facts = [["Seizures", "Seizure lines", "Items", "Total MSRP", "De minimis share"],
             [f"{r.seizures:,}", f"{r.lines:,}", f"{r.quantity:,}", f"${r.msrp:,.2f}",
              f"{r.de_minimis.share_seizures:.1%} of seizures"]]
    t = Table(facts, hAlign="LEFT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica", 7.5),
                           ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor("#52606d")),
                           ("FONT", (0, 1), (-1, 1), "Helvetica-Bold", 11), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 14)]))
    story += [Spacer(1, 6), t]
    width = LETTER[0] - 1.5 * inch
    for s in sections(r):
        chart = to_drawing(s.chart, scale=min(0.75, width / s.chart.width))
        numeric = [i > 0 and all(isinstance(r[i], int | float) for r in s.raw) for i in range(len(s.header))]
        header = [Paragraph(f"<b>{escape(h)}</b>", st["num" if numeric[i] else "cell"]) for i, h in enumerate(s.header)]
        body = [[Paragraph(escape(c), st["num" if numeric[i] else "cell"]) for i, c in enumerate(row)]
                for row in s.rows] or \
            [[Paragraph(f"No seizures in FY{r.fy}.", st["cell"])] + [""] * (len(s.header) - 1)]
        table = Table([header, *body], repeatRows=1, hAlign="LEFT",
                      colWidths=_widths(len(s.header), width))
        table.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cbd2d9")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story.append(KeepTogether([Paragraph(escape(s.title), st["h2"]), Paragraph(escape(s.note), st["muted"]),
                                   Spacer(1, 4), chart]))
        story += [Spacer(1, 4), table]
    doc.build(story, onFirstPage=_page, onLaterPages=_page)
    return buf.getvalue()


def _widths(n: int, total: float) -> list[float]:
    if n >= 8:  # notable seizures: the categories column gets the room
        fixed = [64, 56, 30, 54, 46, 0, 36, 38, 62][:n]
        rest = total - sum(fixed)
        return [f or rest for f in fixed]
    first = total * 0.38
    return [first] + [(total - first) / (n - 1)] * (n - 1)
