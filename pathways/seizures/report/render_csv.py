"""The report's underlying numbers as one tidy CSV: a row per figure group, the same for every section."""

from __future__ import annotations

import csv
import io

from pathways.seizures.report.queries import SeizureReport

CSV_COLUMNS = ("fiscal_year", "section", "key", "label", "seizures", "lines", "quantity", "msrp_usd",
               "share_of_msrp", "share_of_lines")


def render_csv(r: SeizureReport) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)

    def row(section: str, key: str, label: str, seizures: int, lines: int, quantity: int | str, msrp: float,
            share_msrp: float | str = "", share_lines: float | str = "") -> None:
        w.writerow((r.fy, section, key, label, seizures, lines, quantity, f"{msrp:.2f}",
                    f"{share_msrp:.4f}" if isinstance(share_msrp, float) else share_msrp,
                    f"{share_lines:.4f}" if isinstance(share_lines, float) else share_lines))

    row("total", "all", f"FY{r.fy}", r.seizures, r.lines, r.quantity, r.msrp, 1.0 if r.msrp else "",
        1.0 if r.lines else "")
    for c in r.by_category:
        row("category", c.key, c.label, c.seizures, c.lines, "", c.msrp, c.share_msrp, c.share_lines)
    for o in r.by_origin:
        row("origin", o.key, o.label, o.seizures, o.lines, "", o.msrp, o.share_msrp, o.share_lines)
    for m in r.by_mode:
        row("mode", m.key, m.label, m.seizures, m.lines, "", m.msrp, m.share_msrp, m.share_lines)
    d = r.de_minimis
    row("de_minimis", "de_minimis", "Express or mail, at most 800 USD domestic value", d.seizures, d.lines, "", d.msrp,
        d.msrp / r.msrp if r.msrp else "", d.share_lines if r.lines else "")
    for p in r.top_ports:
        row("port", p.key, f"Port {p.label}", p.seizures, p.lines, "", p.msrp, p.share_msrp, p.share_lines)
    for t in r.trend:
        row("trend", t.key, t.label, t.seizures, t.lines, "", t.msrp)
    for n in r.notable:
        row("notable", n.number, f"{n.seized_on.isoformat()} port {n.port_code} {n.mode} from {n.origin}: "
            f"{n.categories}", 1, n.lines, n.quantity, n.msrp, n.msrp / r.msrp if r.msrp else "")
    return out.getvalue()
