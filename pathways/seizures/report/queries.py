"""The annual seizure statistics for one fiscal year, computed by aggregate SQL queries.

Every figure is a GROUP BY in the database, filtered through ``store.policy.visible`` so a viewer's
report counts only the seizures it may see. Nothing loops over ORM objects: the queries return a few
dozen grouped rows and this module only orders them and works out shares.

Counting follows the agency's published statistics: a *line* is one product type of one brand in a
seizure; product categories are counted in lines; origin, mode and port are properties of the seizure
and are counted in seizures and lines. MSRP is the manufacturer's suggested retail price of the genuine
goods, unit price times quantity. *De minimis* is defined in ``DE_MINIMIS_USD`` below (docs/seizures.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import pycountry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.core.clock import fiscal_year, fiscal_year_bounds, utcnow
from pathways.core.errors import InvalidInput
from pathways.core.policy import Viewer
from pathways.seizures.models import MODES, PRODUCT_CATEGORIES, Seizure, SeizureLine
from pathways.store.policy import visible

# A seizure is de minimis when it came by express or mail and the whole shipment's domestic value
# (the value of the goods as entered, our nearest field to the declared value) is at most 800 USD.
DE_MINIMIS_USD = 800
DE_MINIMIS_MODES = ("express", "mail")
TREND_YEARS = 5
TOP_PORTS = 10
TOP_ORIGINS = 10
NOTABLE = 10


@dataclass
class Row:
    """One group of a section: its key, a label for people, and the figures."""

    key: str
    label: str
    seizures: int = 0
    lines: int = 0
    msrp: float = 0.0
    share_msrp: float = 0.0  # of the year's MSRP, 0..1
    share_lines: float = 0.0


@dataclass
class Notable:
    seizure_id: str
    number: str
    external_number: str
    seized_on: date
    port_code: str
    mode: str
    origin: str
    lines: int
    quantity: int
    msrp: float
    categories: str


@dataclass
class DeMinimis:
    seizures: int = 0
    lines: int = 0
    msrp: float = 0.0
    share_seizures: float = 0.0
    share_lines: float = 0.0
    express_mail_seizures: int = 0
    express_mail_lines: int = 0
    share_express_mail_lines: float = 0.0


@dataclass
class SeizureReport:
    fy: int
    start: date
    end: date
    generated_at: datetime
    seizures: int = 0
    lines: int = 0
    quantity: int = 0
    msrp: float = 0.0
    domestic: float = 0.0
    by_category: list[Row] = field(default_factory=list)
    by_origin: list[Row] = field(default_factory=list)
    by_mode: list[Row] = field(default_factory=list)
    de_minimis: DeMinimis = field(default_factory=DeMinimis)
    top_ports: list[Row] = field(default_factory=list)
    trend: list[Row] = field(default_factory=list)
    notable: list[Notable] = field(default_factory=list)

    @property
    def previous(self) -> Row | None:
        prior = [r for r in self.trend if r.key == str(self.fy - 1)]
        return prior[0] if prior else None

    @property
    def summary(self) -> list[str]:
        """The executive summary, sentence by sentence."""
        if not self.lines:
            return [f"No seizures were recorded in FY{self.fy} ({self.start:%d %B %Y} to {self.end:%d %B %Y})."]
        out = [f"In FY{self.fy} ({self.start:%d %B %Y} to {self.end:%d %B %Y}) the agency made "
               f"{self.seizures:,} seizures of goods infringing recorded trademarks and copyrights: "
               f"{self.lines:,} seizure lines, {self.quantity:,} items, worth {money(self.msrp)} at MSRP."]
        prev = self.previous
        if prev and prev.seizures:
            change = (self.seizures - prev.seizures) / prev.seizures
            msrp_change = (self.msrp - prev.msrp) / prev.msrp if prev.msrp else 0.0
            out.append(f"That is {abs(change):.0%} {'more' if change >= 0 else 'fewer'} seizures than FY{self.fy - 1} "
                       f"({prev.seizures:,}), and MSRP {'rose' if msrp_change >= 0 else 'fell'} "
                       f"{abs(msrp_change):.0%}.")
        if self.by_category:
            top = self.by_category[:2]
            out.append("By MSRP the leading categories were " + " and ".join(
                f"{r.label} ({r.share_msrp:.0%})" for r in top) + ".")
        if self.by_origin:
            o = self.by_origin[0]
            out.append(f"{o.label} was the leading economy of origin with {o.share_msrp:.0%} of MSRP "
                       f"({o.lines:,} lines).")
        if self.by_mode:
            m = max(self.by_mode, key=lambda r: r.seizures)
            out.append(f"Most seizures came by {m.label.lower()} ({m.seizures:,}); de minimis shipments "
                       f"(express or mail, at most {DE_MINIMIS_USD:,} USD) were {self.de_minimis.share_seizures:.0%} "
                       "of seizures.")
        if self.top_ports:
            p = self.top_ports[0]
            out.append(f"Port {p.label} made the most seizures ({p.seizures:,}).")
        return out


def money(value: float) -> str:
    """``$2.75B``, ``$14.3M``, ``$8,200``: how the summary speaks of money."""
    if value >= 1e9:
        return f"${value / 1e9:,.2f}B"
    if value >= 1e6:
        return f"${value / 1e6:,.1f}M"
    return f"${value:,.0f}"


def country_name(code: str) -> str:
    if not code:
        return "Unknown"
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


MODE_LABELS = {"express": "Express consignment", "mail": "International mail", "cargo": "Cargo",
               "passenger": "Passenger / traveller"}


def _per_seizure(session: Session, viewer: Viewer, years: tuple[int, int]) -> Any:
    """One row per visible seizure of the fiscal years: its attributes and its lines' sums."""
    stmt: Any = (
        select(Seizure.id.label("sid"), Seizure.fiscal_year.label("fy"), Seizure.mode.label("mode"),
               Seizure.origin_country.label("origin"), Seizure.port_code.label("port"),
               func.count(SeizureLine.id).label("n"), func.sum(SeizureLine.quantity).label("qty"),
               func.sum(SeizureLine.msrp_total_usd).label("msrp"),
               func.sum(SeizureLine.domestic_value_usd).label("domestic"))
        .join(SeizureLine, SeizureLine.seizure_id == Seizure.id)
        .where(Seizure.fiscal_year.between(*years))
        .group_by(Seizure.id, Seizure.fiscal_year, Seizure.mode, Seizure.origin_country, Seizure.port_code)
    )
    return visible(session, stmt, Seizure, viewer).subquery("per_seizure")


def _f(value: Any) -> float:
    return round(float(value or 0), 2)


def _rows(result: Any, label: Any, total_msrp: float, total_lines: int) -> list[Row]:
    out = []
    for key, seizures, lines, msrp in result:
        n = int(lines or 0)
        out.append(Row(str(key), label(str(key)), int(seizures or 0), n, _f(msrp),
                       _f(msrp) / total_msrp if total_msrp else 0.0, n / total_lines if total_lines else 0.0))
    return out


def build_report(session: Session, viewer: Viewer, fy: int) -> SeizureReport:
    """The statistics of fiscal year ``fy`` (October 1 of fy-1 to September 30 of fy)."""
    if not 1990 <= fy <= 2200:
        raise InvalidInput(f"fiscal year {fy} is out of range")
    start, end = fiscal_year_bounds(fy)
    report = SeizureReport(fy=fy, start=start, end=end, generated_at=utcnow())
    # 5-year trend (the year itself is one of its rows, so the totals come from here too)
    trend_stmt = cast(Any, (
        select(Seizure.fiscal_year, func.count(func.distinct(Seizure.id)), func.count(SeizureLine.id),
               func.sum(SeizureLine.msrp_total_usd), func.sum(SeizureLine.quantity),
               func.sum(SeizureLine.domestic_value_usd))
        .join(SeizureLine, SeizureLine.seizure_id == Seizure.id)
        .where(Seizure.fiscal_year.between(fy - TREND_YEARS + 1, fy)).group_by(Seizure.fiscal_year)))
    trend = session.execute(visible(session, trend_stmt, Seizure, viewer)).all()
    by_fy = {int(r[0]): r for r in trend}
    for year in range(fy - TREND_YEARS + 1, fy + 1):
        r = by_fy.get(year)
        report.trend.append(Row(str(year), f"FY{year}", int(r[1]) if r else 0, int(r[2] or 0) if r else 0,
                                _f(r[3]) if r else 0.0))
    this = by_fy.get(fy)
    if this is None:
        return report
    report.seizures, report.lines, report.msrp = int(this[1]), int(this[2] or 0), _f(this[3])
    report.quantity, report.domestic = int(this[4] or 0), _f(this[5])
    # The year's seizures, each with its lines summed, come out of SQL once (already filtered by
    # policy); mode, de minimis, origin, port and the notable seizures are grouped from them in DuckDB.
    ps = _per_seizure(session, viewer, (fy, fy))
    con = _year_table(session.execute(select(ps.c.sid, ps.c.mode, ps.c.origin, ps.c.port, ps.c.n, ps.c.qty,
                                             ps.c.msrp, ps.c.domestic)).all())

    def grouped(column: str) -> list[tuple[Any, ...]]:
        return con.execute(f"SELECT {column}, count(*), sum(n), sum(msrp) / 100.0 FROM ps GROUP BY {column}"
                           ).fetchall()

    # by mode of transport, and the de minimis share
    report.by_mode = _rows(grouped("mode"), lambda k: MODE_LABELS.get(k, k), report.msrp, report.lines)
    order = {m: i for i, m in enumerate(MODES)}
    report.by_mode.sort(key=lambda r: order.get(r.key, 99))
    modes = ", ".join(f"'{m}'" for m in DE_MINIMIS_MODES)
    dm = con.execute(f"""
        SELECT count(*) FILTER (WHERE mode IN ({modes}) AND domestic <= {DE_MINIMIS_USD * 100}),
               sum(n) FILTER (WHERE mode IN ({modes}) AND domestic <= {DE_MINIMIS_USD * 100}),
               sum(msrp) FILTER (WHERE mode IN ({modes}) AND domestic <= {DE_MINIMIS_USD * 100}) / 100.0,
               count(*) FILTER (WHERE mode IN ({modes})), sum(n) FILTER (WHERE mode IN ({modes}))
        FROM ps""").fetchall()[0]
    d = report.de_minimis
    d.seizures, d.lines, d.msrp = int(dm[0] or 0), int(dm[1] or 0), _f(dm[2])
    d.express_mail_seizures, d.express_mail_lines = int(dm[3] or 0), int(dm[4] or 0)
    d.share_seizures = d.seizures / report.seizures
    d.share_lines = d.lines / report.lines
    d.share_express_mail_lines = d.express_mail_lines / report.lines

    # by economy of origin (China and Hong Kong are separate codes, so separate rows)
    origins = _rows(grouped("origin"), country_name, report.msrp, report.lines)
    origins.sort(key=lambda r: (-r.msrp, r.key))
    report.by_origin = _top(origins, TOP_ORIGINS, "All other economies", report)

    # top ports
    ports = _rows(grouped("port"), lambda k: k, report.msrp, report.lines)
    ports.sort(key=lambda r: (-r.seizures, -r.msrp, r.key))
    report.top_ports = ports[:TOP_PORTS]
    top = con.execute(f"SELECT sid, n, qty, msrp / 100.0 FROM ps ORDER BY msrp DESC, sid LIMIT {NOTABLE}").fetchall()
    con.close()

    # by product category: counted in lines (a seizure may hold several categories)
    cat_stmt = visible(session, cast(Any, (
        select(SeizureLine.product_category, func.count(func.distinct(SeizureLine.seizure_id)), func.count(),
               func.sum(SeizureLine.msrp_total_usd))
        .join(Seizure, Seizure.id == SeizureLine.seizure_id).where(Seizure.fiscal_year == fy)
        .group_by(SeizureLine.product_category))), Seizure, viewer)
    cats = _rows(session.execute(cat_stmt), lambda k: k, report.msrp, report.lines)
    have = {r.key for r in cats}
    cats += [Row(c, c) for c in PRODUCT_CATEGORIES if c not in have]
    cats.sort(key=lambda r: (-r.msrp, -r.lines, r.key))
    report.by_category = cats

    # notable seizures: the largest by MSRP
    if top:
        ids = [t[0] for t in top]
        heads = {s[0]: s for s in session.execute(
            select(Seizure.id, Seizure.seizure_number, Seizure.external_number, Seizure.seized_on, Seizure.port_code,
                   Seizure.mode, Seizure.origin_country).where(Seizure.id.in_(ids)))}
        cats_of: dict[str, list[str]] = {}
        for sid, cat in session.execute(select(SeizureLine.seizure_id, SeizureLine.product_category)
                                        .where(SeizureLine.seizure_id.in_(ids)).distinct()
                                        .order_by(SeizureLine.product_category)):
            cats_of.setdefault(sid, []).append(cat)
        for sid, n, qty, msrp in top:
            h = heads[sid]
            report.notable.append(Notable(sid, h[1], h[2] or "", h[3], h[4], h[5], country_name(h[6]), int(n),
                                          int(qty or 0), _f(msrp), ", ".join(cats_of.get(sid, []))))
    return report


def _year_table(rows: Sequence[Any]) -> Any:
    """The per-seizure rows as a DuckDB table ``ps``; money in integer cents so sums are exact."""
    import duckdb
    import pyarrow as pa

    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    table = pa.table({
        "sid": pa.array(cols[0], pa.string()), "mode": pa.array(cols[1], pa.string()),
        "origin": pa.array(cols[2], pa.string()), "port": pa.array(cols[3], pa.string()),
        "n": pa.array([int(x or 0) for x in cols[4]], pa.int64()),
        "qty": pa.array([int(x or 0) for x in cols[5]], pa.int64()),
        "msrp": pa.array([round(float(x or 0) * 100) for x in cols[6]], pa.int64()),
        "domestic": pa.array([round(float(x or 0) * 100) for x in cols[7]], pa.int64()),
    })
    con = duckdb.connect()
    con.register("ps", table)
    return con


def _top(rows: list[Row], n: int, other: str, report: SeizureReport) -> list[Row]:
    if len(rows) <= n:
        return rows
    rest = rows[n - 1:]
    agg = Row("other", other, sum(r.seizures for r in rest), sum(r.lines for r in rest),
              round(sum(r.msrp for r in rest), 2))
    agg.share_msrp = agg.msrp / report.msrp if report.msrp else 0.0
    agg.share_lines = agg.lines / report.lines if report.lines else 0.0
    return [*rows[: n - 1], agg]


def latest_fiscal_year(session: Session, viewer: Viewer) -> int:
    """The newest fiscal year with a visible seizure, or the current one."""
    stmt = visible(session, select(func.max(Seizure.fiscal_year)), Seizure, viewer)
    found = session.execute(stmt).scalar_one_or_none()
    return int(found) if found else fiscal_year(utcnow().date())


def fiscal_years(session: Session, viewer: Viewer) -> list[int]:
    stmt = visible(session, select(Seizure.fiscal_year).distinct(), Seizure, viewer)
    return sorted((int(y) for y in session.execute(stmt).scalars()), reverse=True)
