"""The report's sections in order, each a title, a chart and a table: what HTML, PDF and CSV share."""

from __future__ import annotations

from dataclasses import dataclass

from pathways.seizures.report.charts import Chart, hbar, vbar
from pathways.seizures.report.queries import DE_MINIMIS_USD, SeizureReport, money


@dataclass
class Section:
    key: str
    title: str
    note: str
    chart: Chart
    header: list[str]
    rows: list[list[str]]
    raw: list[list[object]]  # the same rows, unformatted, for the CSV


def pct(x: float) -> str:
    return f"{x:.1%}"


def usd(x: float) -> str:
    return f"${x:,.2f}"


def sections(r: SeizureReport) -> list[Section]:
    out: list[Section] = []
    cats = [c for c in r.by_category if c.lines] or r.by_category
    out.append(Section(
        "category", "Seizures and MSRP by product category",
        "Counted in seizure lines: one product type of one brand in a seizure.",
        hbar("MSRP by product category", [(c.label, c.msrp) for c in cats], money,
             description="Bar chart of the year's MSRP per product category, largest first."),
        ["Product category", "Lines", "Seizures", "MSRP", "Share of MSRP"],
        [[c.label, f"{c.lines:,}", f"{c.seizures:,}", usd(c.msrp), pct(c.share_msrp)] for c in r.by_category],
        [[c.label, c.lines, c.seizures, c.msrp, round(c.share_msrp, 4)] for c in r.by_category]))
    out.append(Section(
        "origin", "By economy of origin",
        "China and Hong Kong are counted separately. MSRP share of the year's total.",
        hbar("MSRP by economy of origin", [(o.label, o.msrp) for o in r.by_origin], money,
             description="Bar chart of MSRP per country or economy of origin."),
        ["Economy", "Seizures", "Lines", "MSRP", "Share of MSRP"],
        [[o.label, f"{o.seizures:,}", f"{o.lines:,}", usd(o.msrp), pct(o.share_msrp)] for o in r.by_origin],
        [[o.label, o.seizures, o.lines, o.msrp, round(o.share_msrp, 4)] for o in r.by_origin]))
    d = r.de_minimis
    mode_rows = [[m.label, f"{m.seizures:,}", f"{m.lines:,}", usd(m.msrp), pct(m.share_lines)] for m in r.by_mode]
    mode_raw: list[list[object]] = [[m.label, m.seizures, m.lines, m.msrp, round(m.share_lines, 4)] for m in r.by_mode]
    mode_rows.append([f"of which de minimis (≤ {DE_MINIMIS_USD} USD, express or mail)", f"{d.seizures:,}",
                      f"{d.lines:,}", usd(d.msrp), pct(d.share_lines)])
    mode_raw.append(["de minimis", d.seizures, d.lines, d.msrp, round(d.share_lines, 4)])
    out.append(Section(
        "mode", "By mode of transport",
        f"De minimis: express or mail shipments whose goods are worth at most {DE_MINIMIS_USD} USD in domestic "
        f"value — {pct(d.share_seizures)} of seizures and {pct(d.share_lines)} of lines. Express and mail "
        f"together carried {pct(d.share_express_mail_lines)} of lines.",
        hbar("Seizures by mode of transport", [(m.label, m.seizures) for m in r.by_mode], lambda v: f"{v:,.0f}",
             description="Bar chart of the number of seizures per mode of transport."),
        ["Mode", "Seizures", "Lines", "MSRP", "Share of lines"], mode_rows, mode_raw))
    out.append(Section(
        "ports", "Top ports",
        "Ports by number of seizures in the year.",
        hbar("Seizures by port", [(f"Port {p.label}", p.seizures) for p in r.top_ports], lambda v: f"{v:,.0f}",
             description="Bar chart of seizures at the ports that made the most."),
        ["Port", "Seizures", "Lines", "MSRP"],
        [[p.label, f"{p.seizures:,}", f"{p.lines:,}", usd(p.msrp)] for p in r.top_ports],
        [[p.label, p.seizures, p.lines, p.msrp] for p in r.top_ports]))
    out.append(Section(
        "trend", "Five-year trend",
        "Seizures per fiscal year (October to September); the report's year is drawn darker.",
        vbar("Seizures per fiscal year", [(t.label, t.seizures) for t in r.trend], lambda v: f"{v:,.0f}",
             highlight=f"FY{r.fy}", description="Column chart of seizures in each of the last five fiscal years."),
        ["Fiscal year", "Seizures", "Lines", "MSRP"],
        [[t.label, f"{t.seizures:,}", f"{t.lines:,}", usd(t.msrp)] for t in r.trend],
        [[t.label, t.seizures, t.lines, t.msrp] for t in r.trend]))
    out.append(Section(
        "notable", "Notable seizures",
        "The year's largest seizures by MSRP.",
        hbar("Largest seizures by MSRP", [(n.number, n.msrp) for n in r.notable], money,
             description="Bar chart of the MSRP of the year's largest seizures."),
        ["Seizure", "Date", "Port", "Mode", "Origin", "Categories", "Lines", "Items", "MSRP"],
        [[n.number, n.seized_on.isoformat(), n.port_code, n.mode, n.origin, n.categories, f"{n.lines:,}",
          f"{n.quantity:,}", usd(n.msrp)] for n in r.notable],
        [[n.number, n.seized_on.isoformat(), n.port_code, n.mode, n.origin, n.categories, n.lines, n.quantity,
          n.msrp] for n in r.notable]))
    return out
