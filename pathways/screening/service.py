"""Screening operations: run a file, the targeting queue, exam outcomes, and the targeting hit rate."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.core.clock import utcnow
from pathways.core.errors import InvalidInput, NotFound
from pathways.core.ids import new_id
from pathways.core.imports import file_sha256
from pathways.core.policy import Role, Viewer
from pathways.identity import service as identity
from pathways.screening import engine as engines
from pathways.screening.catalog import Catalog, load_catalog, load_marks
from pathways.screening.ingest import IngestReport, ingest_file, job_parts, store_root
from pathways.screening.models import IngestJob, LineStatus, ScreeningRun, TargetedLine
from pathways.screening.reader import file_format
from pathways.screening.rules import RULE_LABELS, Rules, load_rules
from pathways.screening.targets import load_targets
from pathways.seizures import service as seizures
from pathways.seizures.models import Detention, Seizure
from pathways.store.policy import fetch_visible, visible
from pathways.store.session import unit_of_work

EXAMINERS = (Role.BORDER_OFFICER, Role.SUPERVISOR)
OUTCOMES = ("release", "detain", "seize")
Progress = Callable[[str, float], None]

# HTS headings and chapters to the agency's statistics categories (most specific first).
HTS_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("8471", "Computers/Accessories"), ("8473", "Computers/Accessories"), ("8523", "Optical Media"),
    ("64", "Footwear"), ("42", "Handbags/Wallets"), ("71", "Watches/Jewelry"), ("91", "Watches/Jewelry"),
    ("61", "Wearing Apparel/Accessories"), ("62", "Wearing Apparel/Accessories"),
    ("65", "Wearing Apparel/Accessories"), ("85", "Consumer Electronics"), ("84", "Consumer Electronics"),
    ("33", "Pharmaceuticals/Personal Care"), ("30", "Pharmaceuticals/Personal Care"), ("95", "Toys"),
    ("87", "Transportation/Parts"), ("58", "Labels/Tags"), ("48", "Labels/Tags"), ("49", "Optical Media"),
)


def category_for(hts: str) -> str:
    digits = hts.replace(".", "")
    for prefix, cat in HTS_CATEGORIES:
        if digits.startswith(prefix):
            return cat
    return "Consumer Products"


@dataclass
class RunReport:
    run_id: str
    ingest: IngestReport
    lines: int
    scored: int
    targeted: int
    sampled: int
    queued_new: int
    seconds: float
    out: Path | None
    engine: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    hits_seconds: float = 0.0  # from the start to the hits file written (the queue may still be filling)

    @property
    def summary(self) -> str:
        return (f"{self.lines} lines screened with {self.engine} in {self.seconds:.1f}s: {self.targeted} targeted, "
                f"{self.sampled} sampled, {self.queued_new} new in the queue"
                + (f"; hits written to {self.out}" if self.out else ""))


def _write_hits(hits: pa.Table, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    reasons = pc.fill_null(pc.replace_substring(hits.column("reasons"), "\n", " | "), "")
    table = hits.drop_columns(["rules"]).set_column(5, "reasons", reasons)
    if out.suffix.lower() in (".parquet", ".pq"):
        pq.write_table(table, out, compression="zstd")
    elif out.suffix.lower() == ".csv":
        pacsv.write_csv(table, out)
    else:
        raise InvalidInput(f"--out {out.name}: use a .csv or .parquet file name")


def score_parts(parts: list[Path], catalog: Catalog, rules: Rules, engine: str,
                progress: Callable[[int, int], None] | None = None) -> tuple[pa.Table, pa.Table]:
    """All hits (sorted by line id) and all targets of a set of line-store parts."""
    if engine not in engines.ENGINES:
        raise InvalidInput(f"--engine {engine!r} is not one of {', '.join(engines.ENGINES)}")
    runner = engines.run_spark if engine == "spark" else engines.run_embedded
    return _gather(runner(parts, catalog, rules, progress=progress))


def _gather(results: Iterator[tuple[pa.Table, pa.Table]]) -> tuple[pa.Table, pa.Table]:
    hits, targets = [], []
    for h, t in results:
        hits.append(h)
        targets.append(t)
    if not hits:
        from pathways.screening.score import HITS_SCHEMA

        return HITS_SCHEMA.empty_table(), pa.table({})
    merged = pl.from_arrow(pa.concat_tables(hits))
    assert isinstance(merged, pl.DataFrame)
    all_hits = merged.sort("line_id").to_arrow().cast(hits[0].schema)
    all_targets = pa.concat_tables(targets, promote_options="permissive") if targets else pa.table({})
    return all_hits, all_targets


def run_file(viewer: Viewer, path: Path, *, out: Path | None = None, engine: str = "embedded",
             rules: Rules | None = None, mentions: bool = True, chunk_rows: int | None = None,
             progress: Progress | None = None, rejects_path: Path | None = None) -> RunReport:
    """``pathways screening run``: ingest (or find) the file, screen every line, fill the queue."""
    rules = rules or load_rules()
    if out is not None and out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise InvalidInput(f"--out {out.name}: use a .csv or .parquet file name")
    if engine not in engines.ENGINES:
        raise InvalidInput(f"--engine {engine!r} is not one of {', '.join(engines.ENGINES)}")
    start = time.perf_counter()
    kwargs: dict[str, Any] = {"chunk_rows": chunk_rows} if chunk_rows else {}
    pool = engines.EmbeddedPool(rules, store_root().parent / f".run-{new_id()}") if engine == "embedded" else None
    # the file's digest (is it ingested already?) is read beside the marks and the catalog, not after
    hashing = ThreadPoolExecutor(1)
    kwargs["sha256"] = hashing.submit(file_sha256, path) if path.is_file() else None
    try:
        with unit_of_work(viewer, readonly=True) as session:
            if pool is not None:  # its workers compile the marks and match the descriptions meanwhile
                pool.compile(load_marks(session))
                if file_format(path) == "parquet":
                    kwargs["repeated"] = pool.describe(path)
            catalog = load_catalog(session)
        timings: dict[str, float] = {"catalog": time.perf_counter() - start}
        if pool is not None:  # then they ingest and score each chunk in one pass
            pool.use(catalog)
            kwargs.update(on_part=pool.on_part, executor=pool.pool, chunk_task=pool.chunk_task)
            timings["descriptions"] = time.perf_counter() - start - sum(timings.values())
        report = ingest_file(viewer, path, mentions=mentions, rejects_path=rejects_path,
                             progress=(lambda f, _m: progress("ingest", f)) if progress else None,
                             **kwargs)
        with unit_of_work(viewer, readonly=True) as session:
            job = session.get(IngestJob, report.job_id)
            assert job is not None
            parts = job_parts(job)
        timings["ingest"] = time.perf_counter() - start - sum(timings.values())
        tick = (lambda i, n: progress("screen", i / max(n, 1))) if progress else None
        if pool is not None:
            hits, targets = _gather(pool.results(parts, tick))
        else:
            hits, targets = score_parts(parts, catalog, rules, engine, tick)
    finally:
        hashing.shutdown(wait=False, cancel_futures=True)
        if pool is not None:
            pool.close()
    timings["screen"] = time.perf_counter() - start - sum(timings.values())
    run_id, finished = new_id(), Future[float]()
    targeted = int(pc.sum(hits.column("targeted")).as_py() or 0) if hits.num_rows else 0
    sampled = int(pc.sum(hits.column("sampled")).as_py() or 0) if hits.num_rows else 0

    def fill_queue() -> int:
        with unit_of_work(viewer) as session:
            queued = load_targets(session, viewer, run_id, targets, job_id=report.job_id)
            session.add(ScreeningRun(id=run_id, job_id=report.job_id, filename=path.name[:400], engine=engine,
                                     lines=report.loaded, scored=hits.num_rows, targeted=targeted, sampled=sampled,
                                     threshold=rules.threshold, sample_rate=rules.sample_rate,
                                     rules_digest=rules.digest, recordations=len(catalog.recs),
                                     out_path=str(out or ""), seconds=round(finished.result(), 3)))
        return queued

    # the queue fills (mostly SQLite's own work) while this thread writes the hits file
    with ThreadPoolExecutor(1) as side:
        queue_job = side.submit(fill_queue)
        try:
            if out is not None:
                _write_hits(hits, out)
        except BaseException as exc:
            finished.set_exception(exc)
            raise
        timings["hits_file"] = time.perf_counter() - start - sum(timings.values())
        finished.set_result(time.perf_counter() - start)
        queued_new = queue_job.result()
    timings["queue"] = time.perf_counter() - start - sum(timings.values())
    return RunReport(run_id, report, report.loaded, hits.num_rows, targeted, sampled, queued_new,
                     time.perf_counter() - start, out, engine, {k: round(v, 2) for k, v in timings.items()},
                     finished.result())


# The queue ---------------------------------------------------------------------------------------


def require_examiner(viewer: Viewer) -> None:
    identity.require_role(viewer, *EXAMINERS)


def queue_statement(session: Session, viewer: Viewer, port: str | None = None,
                    status: str | None = LineStatus.QUEUED) -> Any:
    stmt = select(TargetedLine)
    if port:
        stmt = stmt.where(TargetedLine.port_code == port)
    if status:
        stmt = stmt.where(TargetedLine.status == status)
    return visible(session, stmt, TargetedLine, viewer)


QUEUE_ORDER = (TargetedLine.score.desc(), TargetedLine.line_id)


def queue(session: Session, viewer: Viewer, port: str | None = None, status: str | None = LineStatus.QUEUED,
          limit: int = 50, offset: int = 0) -> list[TargetedLine]:
    require_examiner(viewer)
    stmt = queue_statement(session, viewer, port, status).order_by(*QUEUE_ORDER).limit(limit).offset(offset)
    return list(session.execute(stmt).scalars())


def ports(session: Session, viewer: Viewer) -> list[tuple[str, int]]:
    """Ports with lines awaiting an exam, busiest first."""
    stmt = visible(session, select(TargetedLine.port_code, func.count()).where(  # type: ignore[arg-type]
        TargetedLine.status == LineStatus.QUEUED), TargetedLine, viewer).group_by(TargetedLine.port_code)
    return sorted(session.execute(stmt).all(), key=lambda r: (-r[1], r[0]))


def get_line(session: Session, viewer: Viewer, line_id: str) -> TargetedLine:
    """A targeted line by its manifest line id (or row id), if the viewer may see it."""
    require_examiner(viewer)
    row = session.execute(select(TargetedLine.id).where(TargetedLine.line_id == line_id)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"targeted line {line_id} not found")
    return fetch_visible(session, TargetedLine, row, viewer)


def line_history(session: Session, line: TargetedLine) -> list[tuple[str, str, seizures.PartyHistory | None]]:
    """Each party of the line, and what the agency holds on it: by its normalized name or address, or
    by another name of its resolved entity."""
    fields = [("Importer", line.importer_name), ("Importer address", line.importer_address),
              ("Shipper", line.shipper_name), ("Shipper address", line.shipper_address),
              ("Consignee", line.consignee_name), ("Consignee address", line.consignee_address)]
    keys = {v: seizures.party_key(v) for _, v in fields if v}
    hist = seizures.party_history_with_aliases(session, keys.values())
    return [(label, v, hist.get(keys.get(v, ""))) for label, v in fields if v]


@dataclass
class Outcome:
    outcome: str  # release | detain | seize
    note: str = ""
    quantity: int | None = None
    product_category: str | None = None
    recordation_numbers: list[str] | None = None  # default: the line's first (best-scoring) recordation


def record_outcome(session: Session, viewer: Viewer, line_id: str, outcome: Outcome) -> TargetedLine:
    """The exam result: released, detained (30-day clock, notice) or seized (seizure record)."""
    require_examiner(viewer)
    if outcome.outcome not in OUTCOMES:
        raise InvalidInput(f"outcome {outcome.outcome!r} is not one of {', '.join(OUTCOMES)}")
    line = get_line(session, viewer, line_id)
    if line.status != LineStatus.QUEUED:
        raise InvalidInput(f"line {line.line_id} was already examined ({LineStatus.LABEL[line.status].lower()})")
    parties = seizures.Parties(
        importer_name=line.importer_name, importer_address=line.importer_address,
        importer_country=line.importer_country, shipper_name=line.shipper_name,
        shipper_address=line.shipper_address, shipper_country=line.shipper_country,
        consignee_name=line.consignee_name, consignee_address=line.consignee_address)
    recs = outcome.recordation_numbers or line.recordation_list[:1]
    unknown = [r for r in recs if r not in line.recordation_list]
    if unknown:
        raise InvalidInput(f"recordation(s) {', '.join(unknown)} were not matched on this line")
    if outcome.outcome == "release":
        line.status = LineStatus.RELEASED
    elif outcome.outcome == "detain":
        det = seizures.record_detention(
            session, viewer, port_code=line.port_code, entry_number=line.entry_number, parties=parties,
            mode=line.mode, line_id=line.line_id, origin_country=line.origin_country, description=line.description,
            quantity=line.quantity, recordation_numbers=recs)
        line.status, line.detention_id = LineStatus.DETAINED, det.id
    else:
        if not recs:
            raise InvalidInput("a seizure needs the recordation the goods infringe; this line matched none")
        qty = outcome.quantity if outcome.quantity is not None else line.quantity
        if qty <= 0:
            raise InvalidInput("quantity must be at least 1")
        lines = [_seizure_line(session, line, number, qty, outcome.product_category) for number in recs]
        seizure = seizures.record_seizure(
            session, viewer, port_code=line.port_code, mode=line.mode, entry_number=line.entry_number,
            parties=parties, origin_country=line.origin_country, lines=lines, source="targeting",
            line_id=line.line_id, notes=outcome.note)
        line.status, line.seizure_id = LineStatus.SEIZED, seizure.id
    line.outcome_at = utcnow()
    line.outcome_by = viewer.username
    line.outcome_note = outcome.note[:2000]
    session.flush()
    return line


def _seizure_line(session: Session, line: TargetedLine, record_number: str, qty: int,
                  category: str | None) -> seizures.LineIn:
    from pathways.registry.models import Recordation, RecordationProduct

    rec = session.execute(select(Recordation).where(Recordation.record_number == record_number)).scalar_one_or_none()
    msrp = Decimal("0")
    if rec is not None:
        products = session.execute(select(RecordationProduct).where(
            RecordationProduct.recordation_id == rec.id)).scalars().all()
        low = line.description.lower()
        named = [p for p in products if p.name.lower() in low]
        same = [p for p in products if p.hts_code and p.hts_code[:7] == line.hts_code[:7]]
        pick = max(named, key=lambda p: len(p.name)) if named else (same[0] if same else None)
        msrp = pick.msrp_usd if pick else (rec.msrp_usd or Decimal("0"))
    return seizures.LineIn(
        product_category=category or category_for(line.hts_code), quantity=qty, msrp_unit_usd=msrp,
        domestic_value_usd=Decimal(str(round(line.unit_value_usd * qty, 2))),
        recordation_id=rec.id if rec else None, record_number=record_number,
        registration_number=rec.registration_number if rec else "", mark=rec.mark if rec else "",
        description=line.description)


def outcome_record(session: Session, viewer: Viewer, line: TargetedLine) -> Detention | Seizure | None:
    if line.seizure_id:
        return fetch_visible(session, Seizure, line.seizure_id, viewer)
    if line.detention_id:
        return fetch_visible(session, Detention, line.detention_id, viewer)
    return None


# The hit rate ------------------------------------------------------------------------------------


@dataclass
class Rate:
    key: str
    label: str
    examined: int = 0
    violations: int = 0

    @property
    def rate(self) -> float:
        return self.violations / self.examined if self.examined else 0.0


def hit_rates(session: Session, viewer: Viewer) -> tuple[Rate, list[Rate], list[Rate]]:
    """Share of exams that found a violation: overall, by rule, by port (targeted and sampled apart)."""
    identity.require_role(viewer, Role.SUPERVISOR, Role.ADMIN)
    stmt = visible(session, select(TargetedLine.port_code, TargetedLine.rules,  # type: ignore[arg-type]
                                   TargetedLine.status,
                                   TargetedLine.sampled).where(TargetedLine.status != LineStatus.QUEUED),
                   TargetedLine, viewer)
    total = Rate("all", "All exams")
    rules: dict[str, Rate] = {}
    ports_: dict[str, Rate] = {}
    for port, tokens, status, _sampled in session.execute(stmt):
        found = status in LineStatus.VIOLATION
        buckets = [total, ports_.setdefault(port, Rate(port, f"Port {port}"))]
        buckets += [rules.setdefault(t, Rate(t, RULE_LABELS.get(t, t))) for t in tokens.split("|") if t]
        for b in buckets:
            b.examined += 1
            b.violations += int(found)
    order = list(RULE_LABELS)
    return (total, sorted(rules.values(), key=lambda r: order.index(r.key) if r.key in order else 99),
            sorted(ports_.values(), key=lambda r: (-r.examined, r.key)))


def runs(session: Session, limit: int = 10) -> list[ScreeningRun]:
    return list(session.execute(select(ScreeningRun).order_by(ScreeningRun.started_at.desc()).limit(limit)).scalars())


def ingest_jobs(session: Session, limit: int = 10) -> list[IngestJob]:
    return list(session.execute(select(IngestJob).order_by(IngestJob.started_at.desc()).limit(limit)).scalars())
