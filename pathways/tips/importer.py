"""Bulk intake: a partner feed file (``pathways tips import FILE.jsonl``) or an API batch.

Columnar-minded: records are prepared in chunks, deduplicated against an in-memory key index (and
the keys already in the database), and written with Core inserts, one ``load`` audit event per chunk
covering every row of it. Bad records go to a rejects file with their line number and reason;
records already taken (same source and external_id) are skipped, so running a file again changes
nothing and an interrupted import resumes where it stopped.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import DateTime, Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import InvalidInput
from pathways.core.ids import new_id
from pathways.core.imports import file_sha256
from pathways.core.policy import Markings, Viewer
from pathways.core.settings import get_settings
from pathways.resolve.mentions import bulk_load, marking_columns
from pathways.store.audit import record_event
from pathways.tips import dedup
from pathways.tips import store as tstore
from pathways.tips.models import (
    Referral,
    ReferralEvent,
    Tip,
    TipAttachment,
    TipBundle,
    TipImport,
    TipKey,
    TipsterIdentity,
)
from pathways.tips.prepare import PreparedTip, RecordError, prepare
from pathways.tips.priority import SLA, Reason

CHUNK = 20_000


def default_workers() -> int:
    """Extraction processes for a file import: PATHWAYS_TIPS_WORKERS, else the CPUs (at most 4)."""
    return get_settings().tips_workers or min(4, os.cpu_count() or 1)
MAX_LINE = 1_000_000


@dataclass
class Reject:
    line: int
    external_id: str
    reason: str


@dataclass
class ImportReport:
    received: int = 0
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    bundles_created: int = 0
    bundles_joined: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None
    tip_ids: dict[str, str] = field(default_factory=dict)  # external_id -> tip id (API batches)

    @property
    def summary(self) -> str:
        text = (f"{self.received} received, {self.created} created, {self.unchanged} already there, "
                f"{self.rejected} rejected; {self.bundles_created} new bundles")
        if self.rejects_path and self.rejected:
            text += f" (rejects in {self.rejects_path})"
        return text


@dataclass
class _BundleState:
    id: str
    number: str
    category: Counter[str]
    count: int
    first: datetime
    last: datetime
    office: str
    base: list[Reason]
    new: bool  # created by this import
    written: bool = False
    dirty: bool = False
    sent_at: datetime | None = None  # when this import sent its referral


Progress = Callable[[int], None]


class Importer:
    def __init__(self, session: Session, viewer: Viewer, source: str, commit_chunks: bool = False) -> None:
        self.session, self.viewer, self.source = session, viewer, source
        self.commit_chunks = commit_chunks
        self.chunk_tips: list[int] = []
        self.specs, self.office_ids = tstore.offices(session)
        self.index = dedup.KeyIndex()
        self.feats: dict[int, dedup.DedupFeatures] = {}
        self.bundle_of: dict[int, str] = {}  # in-file tip number -> bundle id
        self.bundles: dict[str, _BundleState] = {}
        self.seen: dict[str, int] = {}  # external_id -> line, within this import
        self.report = ImportReport()
        # Only tips stored before this import need database look-ups; this import's own are in memory.
        self.store_has_tips = session.execute(select(Tip.id).limit(1)).first() is not None
        self.agency_id = tstore.tip_markings(session, None).owner_org_id
        self.n = 0

    # -- reading --

    def run(self, records: Iterable[tuple[int, Any]], progress: Progress | None = None) -> ImportReport:
        chunk: list[tuple[int, Any]] = []
        for item in records:
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self._chunk(chunk)
                if progress:
                    progress(len(chunk))
                chunk = []
        if chunk:
            self._chunk(chunk)
            if progress:
                progress(len(chunk))
        self._flush_bundles()
        return self.report

    def _reject(self, line: int, external_id: str, reason: str) -> None:
        self.report.rejected += 1
        self.report.rejects.append(Reject(line, external_id, reason))

    # -- one chunk --

    def _chunk(self, items: list[tuple[int, Any]]) -> None:
        self._process([_prepare_item(item, self.specs) for item in items])

    def run_parallel(self, items: Iterable[tuple[int, Any]], workers: int,
                     progress: Progress | None = None) -> ImportReport:
        """Like ``run``, with extraction and MinHash in ``workers`` processes, one chunk ahead of the
        writer; chunks are written in file order, so the result is the same as ``run``'s."""
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(self.specs,)) as pool:
            pending: Any = None
            for chunk in _batched(items, CHUNK):
                job = pool.map_async(_prepare_in_worker, chunk, chunksize=max(1, len(chunk) // (workers * 4)))
                if pending is not None:
                    done = pending.get()
                    self._process(done)
                    if progress:
                        progress(len(done))
                pending = job
            if pending is not None:
                done = pending.get()
                self._process(done)
                if progress:
                    progress(len(done))
        self._flush_bundles()
        return self.report

    def _process(self, items: list[tuple[int, str, PreparedTip | str]]) -> None:
        self.report.received += len(items)
        prepared: list[tuple[int, PreparedTip]] = []
        for line, ext, p in items:
            if isinstance(p, str):
                self._reject(line, ext, p)
                continue
            if p.external_id in self.seen:
                self._reject(line, ext, f"duplicate of line {self.seen[p.external_id]}")
                continue
            self.seen[p.external_id] = line
            prepared.append((line, p))
        existing = self._existing([p.external_id for _, p in prepared])
        fresh = []
        for _line, p in prepared:
            if p.external_id in existing:
                self.report.unchanged += 1
                self.report.tip_ids[p.external_id] = existing[p.external_id]
            else:
                fresh.append(p)
        if not fresh:
            return
        db_cands = self._db_candidates(fresh) if self.store_has_tips else {}
        self.chunk_tips = []
        local: list[tuple[int, PreparedTip, str, str]] = []  # (tip number, prepared, bundle id, reason)
        for p in fresh:
            i = self.n
            self.n += 1
            self.chunk_tips.append(i)
            keys = p.features.keys
            cands: list[tuple[Any, dedup.DedupFeatures]] = [(("mem", j), self.feats[j])
                                                            for j in self.index.candidates(keys)]
            cands += [(("db", c.bundle_id, c.tip_id), c.features) for k in keys for c in db_cands.get(k, ())]
            found = dedup.matches(p.features, cands)
            bundle_id, reason = self._choose(p, found)
            self.bundle_of[i] = bundle_id
            self.feats[i] = p.features
            self.index.add(keys, i)
            local.append((i, p, bundle_id, reason))
        self._write(local)

    def _choose(self, p: PreparedTip, found: list[tuple[Any, str]]) -> tuple[str, str]:
        if not found:
            b = self._new_bundle(p)
            return b.id, "first report of its event"
        ref, why = found[0]
        bundle_id = self.bundle_of[ref[1]] if ref[0] == "mem" else ref[1]
        state = self.bundles.get(bundle_id) or self._load_bundle(bundle_id)
        self._add_to(state, p)
        self.report.bundles_joined += 1
        return state.id, f"bundled: {why}"

    def _new_bundle(self, p: PreparedTip) -> _BundleState:
        b = _BundleState(new_id(), "", Counter({p.category: 1}), 1, p.received_at, p.received_at,
                         p.route.office_code, list(p.priority.reasons), new=True)
        self.bundles[b.id] = b
        self.report.bundles_created += 1
        return b

    def _add_to(self, b: _BundleState, p: PreparedTip) -> None:
        b.count += 1
        b.category[p.category] += 1
        b.first, b.last = min(b.first, p.received_at), max(b.last, p.received_at)
        if b.office == "HQ-TRIAGE" and p.route.office_code != "HQ-TRIAGE" and not p.route.flag:
            b.office = p.route.office_code
        if p.priority.score > sum(r.points for r in b.base if not r.text.startswith("corroborated")):
            b.base = list(p.priority.reasons)
        b.dirty = True

    def _load_bundle(self, bundle_id: str) -> _BundleState:
        row = self.session.get(TipBundle, bundle_id)
        assert row is not None
        b = _BundleState(row.id, row.number, Counter({row.category: row.report_count}), row.report_count,
                         as_utc(row.first_at), as_utc(row.last_at), row.office_code,
                         tstore.reasons_from_json(row.priority_reasons), new=False, written=True)
        self.bundles[b.id] = b
        return b

    def _existing(self, external_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        if not self.store_has_tips:
            return out
        for i in range(0, len(external_ids), 900):
            part = external_ids[i:i + 900]
            out.update(self.session.execute(select(Tip.external_id, Tip.id).where(
                Tip.source == self.source, Tip.external_id.in_(part))).all())  # type: ignore[arg-type]
        return out

    def _db_candidates(self, fresh: list[PreparedTip]) -> dict[str, list[tstore.Candidate]]:
        keys = sorted({k for p in fresh for k in p.features.keys})
        by_key: dict[str, list[tstore.Candidate]] = {}
        for i in range(0, len(keys), 900):
            part = keys[i:i + 900]
            cands = {c.tip_id: c for c in tstore.db_candidates(self.session, part)}
            if not cands:
                continue
            rows = self.session.execute(select(TipKey.key, TipKey.tip_id).where(
                TipKey.key.in_(part), TipKey.tip_id.in_(list(cands)[:900]))).all()
            for k, tid in rows:
                by_key.setdefault(k, []).append(cands[tid])
        return by_key

    # -- writing --

    def _write(self, local: list[tuple[int, PreparedTip, str, str]]) -> None:
        s = self.session
        load_id = new_id()
        now = utcnow()
        agency = self.agency_id
        level = tstore.tip_markings(s, None).classification
        tipster_base = tstore.tipster_markings(s, None)
        new_bundles = [b for b in self.bundles.values() if b.new and not b.written]
        numbers = tstore.next_numbers(s, "BND", len(new_bundles)) if new_bundles else []
        for b, num in zip(new_bundles, numbers, strict=True):
            b.number = num
        bundle_rows = []
        referral_rows, event_rows = [], []
        for b in new_bundles:
            pr = tstore.bundle_priority(b.base, b.count)
            m = marking_columns(Markings(classification=level, owner_org_id=agency,
                                         owner_office_id=self.office_ids.get(b.office)))
            bundle_rows.append({**m, "id": b.id, "number": b.number, "category": b.category.most_common(1)[0][0],
                                "report_count": b.count, "first_at": b.first, "last_at": b.last,
                                "office_code": b.office, "priority": pr.level, "priority_score": pr.score,
                                "priority_reasons": tstore.reasons_json(pr), "load_id": load_id, "created_at": now})
            rid = new_id()
            referral_rows.append({**m, "id": rid, "bundle_id": b.id, "office_code": b.office, "status": "sent",
                                  "priority": pr.level, "sent_at": now, "due_at": now + SLA[pr.level],
                                  "acted_at": None, "decline_reason": "", "disposition": "", "disposition_note": "",
                                  "load_id": load_id})
            event_rows.append({"id": new_id(), "referral_id": rid, "action": "sent", "office_code": b.office,
                               "note": f"bulk import from {self.source}", "actor": self.viewer.username, "at": now,
                               "load_id": load_id})
            b.written, b.dirty, b.sent_at = True, False, now
        tip_numbers = tstore.next_numbers(s, "TIP", len(local))
        tips, tipsters, atts, keys, mentions = [], [], [], [], []
        for (i, p, _, reason), number in zip(local, tip_numbers, strict=True):
            bundle_id = self.bundle_of[i]
            tid = new_id()
            self.report.tip_ids[p.external_id] = tid
            office_id = self.office_ids.get(p.route.office_code)
            m = marking_columns(Markings(classification=level, owner_org_id=agency, owner_office_id=office_id))
            tips.append({**m, "id": tid, "number": number, "source": self.source, "external_id": p.external_id,
                         "channel": p.channel, "received_at": p.received_at, "category": p.category,
                         "category_reason": p.category_reason, "narrative": p.narrative,
                         "location": json.dumps(p.location), "subjects": json.dumps(p.subjects),
                         "office_code": p.route.office_code, "routing_reason": p.route.reason,
                         "routing_flag": p.route.flag, "priority": p.priority.level,
                         "priority_score": p.priority.score, "priority_reasons": tstore.reasons_json(p.priority),
                         "bundle_id": bundle_id, "bundle_reason": reason,
                         "identifiers": "\n".join(sorted(p.features.idents)),
                         "signature": dedup.to_bytes(p.features.sig) if p.features.sig is not None else None,
                         "receipt_code": None, "passphrase_hash": None, "load_id": load_id, "created_at": now})
            if p.tipster:
                tm = {**marking_columns(tipster_base), "owner_office_id": office_id}
                tipsters.append({**tm, "id": new_id(), "tip_id": tid, "name": p.tipster.get("name", ""),
                                 "phone": p.tipster.get("phone", ""), "email": p.tipster.get("email", ""),
                                 "load_id": load_id})
            for a in p.attachments:
                atts.append({**m, "id": new_id(), "tip_id": tid, "stored": False, "load_id": load_id, **a})
            for k in p.features.keys:
                keys.append({"id": new_id(), "key": k, "tip_id": tid, "bundle_id": bundle_id,
                             "received_at": p.received_at, "load_id": load_id})
            for ident in p.identifiers:
                mentions.append({"kind": ident.mention_kind.value, "value": ident.value[:500],
                                 "normalized": ident.normalized[:500], "source": "tips", "record_type": "tip",
                                 "record_id": tid, "field": ident.field,
                                 "owner_office_id": office_id})
        for model, rows in ((TipBundle, bundle_rows), (Referral, referral_rows), (ReferralEvent, event_rows),
                            (Tip, tips), (TipsterIdentity, tipsters), (TipAttachment, atts), (TipKey, keys)):
            _insert_rows(s, model, rows)
        record_event(s, "load", "tips", load_id, source=self.source, tips=len(tips), bundles=len(bundle_rows),
                     referrals=len(referral_rows), tipsters=len(tipsters), attachments=len(atts), keys=len(keys))
        bulk_load(s, mentions=mentions, markings=tstore.tip_markings(s, None), load_id=load_id, source="tips")
        self.report.created += len(tips)
        self._flush_bundles(load_id)
        if self.commit_chunks:
            self.session.commit()  # an interrupted import resumes after the last whole chunk

    def _flush_bundles(self, load_id: str | None = None) -> None:
        """Bundles written earlier that grew: their count, dates, priority, office and referral clock."""
        s = self.session
        grown = [b for b in self.bundles.values() if b.written and b.dirty]
        if not grown:
            return
        rows, clocks, moves = [], [], []
        for b in grown:
            pr = tstore.bundle_priority(b.base, b.count)
            office_id = self.office_ids.get(b.office)
            rows.append({"b_id": b.id, "report_count": b.count, "first_at": b.first, "last_at": b.last,
                         "priority": pr.level, "priority_score": pr.score,
                         "priority_reasons": tstore.reasons_json(pr), "office_code": b.office,
                         "owner_office_id": office_id, "category": b.category.most_common(1)[0][0]})
            if b.sent_at is not None:
                clocks.append({"b_id": b.id, "priority": pr.level, "due_at": b.sent_at + SLA[pr.level]})
                if b.office != "HQ-TRIAGE":
                    moves.append({"b_id": b.id, "office_code": b.office, "owner_office_id": office_id})
            else:  # a bundle from an earlier import: its referral may have moved on since
                ref = s.execute(select(Referral).where(Referral.bundle_id == b.id)).scalar_one_or_none()
                if ref is not None and ref.status in ("sent", "rerouted"):
                    ref.priority, ref.due_at = pr.level, as_utc(ref.sent_at) + SLA[pr.level]
                    if ref.status == "sent" and ref.office_code == "HQ-TRIAGE" and b.office != "HQ-TRIAGE":
                        ref.office_code, ref.owner_office_id = b.office, office_id
            b.dirty = False
        bt, rt = cast(Table, TipBundle.__table__), cast(Table, Referral.__table__)
        s.execute(update(bt).where(bt.c.id == bindparam("b_id")), rows)
        if clocks:
            waiting = or_(rt.c.status == "sent", rt.c.status == "rerouted")
            s.execute(update(rt).where(rt.c.bundle_id == bindparam("b_id"), waiting), clocks)
        if moves:
            s.execute(update(rt).where(rt.c.bundle_id == bindparam("b_id"), rt.c.status == "sent",
                                       rt.c.office_code == "HQ-TRIAGE"), moves)
        if load_id is not None:
            s.flush()


def _insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows at once. On SQLite straight through the driver (a third of the time SQLAlchemy's
    per-row parameter handling takes), with timestamps written the way SQLAlchemy writes them."""
    if not rows:
        return
    table = model.__table__
    if session.get_bind().dialect.name != "sqlite":
        for i in range(0, len(rows), 5000):
            session.execute(insert(table), rows[i:i + 5000])
        return
    cols = [c.name for c in table.columns]
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    times = [c.name for c in table.columns if isinstance(c.type, DateTime)]

    def stamp(v: Any) -> Any:
        return as_utc(v).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v

    if times:
        rows = [{**r, **{c: stamp(r.get(c)) for c in times}} for r in rows]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    raw.executemany(sql, [tuple(r.get(c) for c in cols) for r in rows])


_WORKER_SPECS: list[Any] = []


def _init_worker(specs: list[Any]) -> None:
    _WORKER_SPECS[:] = specs


def _prepare_in_worker(item: tuple[int, Any]) -> tuple[int, str, PreparedTip | str]:
    return _prepare_item(item, _WORKER_SPECS)


def _prepare_item(item: tuple[int, Any], specs: Any) -> tuple[int, str, PreparedTip | str]:
    line, rec = item
    if isinstance(rec, bytes | str):
        rec = _decode(rec)
    if isinstance(rec, RecordError):
        return line, "", str(rec)
    ext = str(rec.get("external_id") or "")[:120] if isinstance(rec, dict) else ""
    try:
        return line, ext, prepare(rec, specs)
    except RecordError as exc:
        return line, ext, str(exc)


def _decode(raw: bytes | str) -> Any:
    if len(raw) > MAX_LINE:
        return RecordError(f"line longer than {MAX_LINE} bytes")
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except UnicodeDecodeError:
        return RecordError("line is not valid UTF-8")
    except json.JSONDecodeError as exc:
        return RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})")


def _batched(items: Iterable[tuple[int, Any]], n: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) for each non-blank line; decoded where the record is prepared."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.strip():
                yield n, raw


def import_file(session: Session, viewer: Viewer, path: Path, *, source: str = "partner_feed",
                rejects_path: Path | None = None, progress: Progress | None = None,
                workers: int | None = None) -> ImportReport:
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory, not a JSONL file")
    sha = file_sha256(path)
    imp = Importer(session, viewer, source, commit_chunks=True)
    workers = default_workers() if workers is None else workers
    if workers > 1:
        report = imp.run_parallel(read_lines(path), workers, progress)
    else:
        report = imp.run(read_lines(path), progress)
    report.rejects_path = rejects_path or path.with_name(path.name + ".rejects.csv")
    if report.rejects:
        write_rejects(report.rejects_path, report.rejects)
    session.add(TipImport(source=source, filename=path.name[:300], sha256=sha, received=report.received,
                          created=report.created, unchanged=report.unchanged, rejected=report.rejected,
                          load_id=new_id()))
    return report


def import_records(session: Session, viewer: Viewer, records: list[Any], *, source: str) -> ImportReport:
    """An API batch: same rules as a file; the line number is the record's position (from 1)."""
    imp = Importer(session, viewer, source)
    report = imp.run(((i + 1, r if isinstance(r, dict) else RecordError("a tip must be a JSON object"))
                      for i, r in enumerate(records)))
    session.add(TipImport(source=source, filename="api batch", sha256=hashlib.sha256(
        json.dumps(records, sort_keys=True, default=str).encode()).hexdigest(), received=report.received,
        created=report.created, unchanged=report.unchanged, rejected=report.rejected, load_id=new_id()))
    return report


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["line", "external_id", "reason"])
        for r in rejects:
            w.writerow([r.line, r.external_id, r.reason])


def export_csv(session: Session, viewer: Viewer, out: Path) -> int:
    """One row per tip: external_id, tip_id, bundle_id, category, priority, office_code, status."""
    from pathways.store.policy import visible

    stmt = (select(Tip.external_id, Tip.number, TipBundle.number, Tip.category, TipBundle.priority, Tip.office_code,
                   Referral.status)
            .join(TipBundle, TipBundle.id == Tip.bundle_id)
            .outerjoin(Referral, Referral.bundle_id == Tip.bundle_id)
            .order_by(Tip.received_at, Tip.id))
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["external_id", "tip_id", "bundle_id", "category", "priority", "office_code", "status"])
        rows = visible(session, stmt, Tip, viewer)  # type: ignore[arg-type]
        for row in session.execute(rows.execution_options(yield_per=10_000)):
            w.writerow(row)
            n += 1
    record_event(session, "export", "tips", None, rows=n, file=out.name)
    return n


def demo_step(world_dir: Path) -> str:
    """The demo's tips: the world's tips.jsonl as a partner feed (a second run finds them all there)."""
    from pathways.core.policy import system_viewer
    from pathways.identity import service as identity
    from pathways.store.session import unit_of_work

    path = world_dir / "tips.jsonl"
    if not path.exists():
        return "no tips.jsonl in the world"
    with unit_of_work(system_viewer("cli")) as session:
        viewer = system_viewer("cli", identity.agency(session).id)
    with unit_of_work(viewer) as session:
        report = import_file(session, viewer, path, source="world")
    return f"tips: {report.summary}"
