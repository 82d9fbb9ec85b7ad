"""Bulk intake: a partner feed file (``pathways tips import FILE.jsonl``) or an API batch.

Columnar-minded: records are prepared in chunks, deduplicated against an in-memory key index (and
the keys already in the database), and written with Core inserts, one ``load`` audit event per chunk
covering every row of it. Bad records go to a rejects file with their line number and reason;
records already taken (same source and external_id) are skipped, so running a file again changes
nothing and an interrupted import resumes where it stopped.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Index, Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import InvalidInput
from pathways.core.ids import new_id
from pathways.core.imports import file_sha256
from pathways.core.policy import Viewer
from pathways.core.settings import get_settings
from pathways.store import indexes
from pathways.store.audit import record_event
from pathways.store.base import encode_tokens
from pathways.tips import store as tstore
from pathways.tips.bulk_write import RowSink
from pathways.tips.bundles import merge_stored, split_bundles
from pathways.tips.bundling import Bundler, BundleState, Placement
from pathways.tips.models import Referral, Tip, TipBundle, TipImport
from pathways.tips.prepare import RecordError, prepare
from pathways.tips.priority import SLA, Reason
from pathways.tips.routing import HQ
from pathways.tips.staging import TIP_VALUES, Staged, stage

CHUNK = 20_000
# The tables a file import fills. Those empty when it starts get their indexes built at its end
# (ADR 0021), all but the one the load reads: a merge moves a bundle's tips by tips.bundle_id.
LOADED = ("tips", "tip_keys", "mentions", "tip_bundles", "tip_referrals", "tip_referral_events",
          "tipster_identities", "tip_attachments")
READ_WHILE_LOADING = frozenset({"ix_tips_bundle_id"})


def default_workers() -> int:
    """Extraction processes for a file import: PATHWAYS_TIPS_WORKERS, else the CPUs (at most 4)."""
    return get_settings().tips_workers or min(4, os.cpu_count() or 1)
MAX_LINE = 1_000_000
GC_YOUNG = 50_000  # allocations between collections of the youngest generation during a file import


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
    bundles_merged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None
    tip_ids: dict[str, str] = field(default_factory=dict)  # external_id -> tip id (API batches)
    already: set[str] = field(default_factory=set)  # external_ids this source had sent before

    @property
    def summary(self) -> str:
        text = (f"{self.received} received, {self.created} created, {self.unchanged} already there, "
                f"{self.rejected} rejected; {self.bundles_created} new bundles")
        if self.bundles_merged:
            text += f", {self.bundles_merged} merged into others"
        if self.rejects_path and self.rejected:
            text += f" (rejects in {self.rejects_path})"
        return text


Progress = Callable[[int], None]
Item = tuple[int, str, Staged | str]  # line, external_id, the staged tip or why it was rejected

_MARKS = ("classification", "caveats", "compartments", "releasable_to", "owner_org_id", "owner_office_id")
_TIP = ("id", "number", "source", *TIP_VALUES, "bundle_id", "bundle_reason", "load_id", "created_at", *_MARKS)
_BUNDLE = ("id", "number", "category", "report_count", "first_at", "last_at", "office_code", "priority",
           "priority_score", "priority_reasons", "load_id", "created_at", *_MARKS)
_REFERRAL = ("id", "bundle_id", "office_code", "status", "priority", "sent_at", "due_at", "decline_reason",
             "disposition", "disposition_note", "load_id", *_MARKS)
_EVENT = ("id", "referral_id", "action", "office_code", "note", "actor", "at", "load_id")
_TIPSTER = ("id", "tip_id", "name", "phone", "email", "load_id", *_MARKS)
_ATTACHMENT = ("id", "tip_id", "filename", "content_type", "size_bytes", "sha256", "stored", "load_id", *_MARKS)
_KEY = ("id", "key", "tip_id", "bundle_id", "received_at", "load_id")
_MENTION = ("id", "source", "record_type", "kind", "value", "normalized", "field", "record_id", "load_id",
            "created_at", *_MARKS)


class Importer:
    def __init__(self, session: Session, viewer: Viewer, source: str, commit_chunks: bool = False,
                 bulk: bool = True) -> None:
        self.session, self.viewer, self.source = session, viewer, source
        self.commit_chunks = commit_chunks
        self.sink = RowSink(session)
        if bulk:  # not for online groups: the server's pooled connections keep their small caches
            self.sink.bulk_mode()
        self.deferred: list[Index] = []
        if commit_chunks:  # a file: committed chunk by chunk, so indexes may be missing after a crash
            conn = session.connection()
            indexes.restore(conn, LOADED)
            self.deferred = indexes.defer(conn, LOADED, keep=READ_WHILE_LOADING)
        self.specs, self.office_ids = tstore.offices(session)
        self.bundler = Bundler(self._load_bundle)
        self.preloaded: dict[str, BundleState] = {}  # stored bundles read for this chunk, not yet joined
        self.unwritten: list[BundleState] = []  # bundles created since the last chunk was written
        self.dirty: dict[str, BundleState] = {}  # written bundles that changed since
        self.seen: dict[str, int] = {}  # external_id -> line, within this import
        self.report = ImportReport()
        # Only tips stored before this import need database look-ups; this import's own are in memory.
        self.store_has_tips = session.execute(select(Tip.id).limit(1)).first() is not None
        agency = tstore.agency_id(session)
        level = int(tstore.tip_markings(session, None).classification)
        caveat = encode_tokens(tstore.tipster_markings(session, None).caveats)
        self._marks = {code: (level, "", "", "", agency, oid) for code, oid in self.office_ids.items()}
        self._no_office = (level, "", "", "", agency, None)
        self._tipster_caveat = caveat

    def marks(self, office_code: str) -> tuple[Any, ...]:
        return self._marks.get(office_code, self._no_office)

    # -- reading --

    def run(self, records: Iterable[tuple[int, Any]], progress: Progress | None = None) -> ImportReport:
        sqlite = self.sink.sqlite
        for chunk in _batched(records, CHUNK):
            self._process([_stage_item(item, self.specs, sqlite) for item in chunk])
            if progress:
                progress(len(chunk))
        return self._finish()

    def run_parallel(self, items: Iterable[tuple[int, Any]], workers: int,
                     progress: Progress | None = None) -> ImportReport:
        """Like ``run``, with extraction and MinHash in ``workers`` processes, one chunk ahead of the
        writer; chunks are written in file order, so the result is the same as ``run``'s."""
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(self.specs, self.sink.sqlite)) as pool:
            pending: Any = None
            for chunk in _batched(items, CHUNK):
                job = pool.map_async(_stage_in_worker, chunk, chunksize=max(1, len(chunk) // (workers * 4)))
                if pending is not None:
                    self._process_done(pending.get(), progress)
                pending = job
            if pending is not None:
                self._process_done(pending.get(), progress)
        return self._finish()

    def _process_done(self, done: list[Item], progress: Progress | None) -> None:
        self._process(done)
        if progress:
            progress(len(done))

    def _finish(self) -> ImportReport:
        if self.deferred:
            indexes.build(self.session.connection(), self.deferred)
            self.deferred = []
        if self.commit_chunks and self.report.created:  # a file: the tables it filled have changed a lot
            indexes.analyze(self.session.connection(), LOADED)
        b = self.bundler
        r = self.report
        r.bundles_created, r.bundles_joined, r.bundles_merged = b.created, b.joined, b.merges
        return self.report

    def _reject(self, line: int, external_id: str, reason: str) -> None:
        self.report.rejected += 1
        self.report.rejects.append(Reject(line, external_id, reason))

    # -- one chunk --

    def _process(self, items: list[Item]) -> None:
        self.report.received += len(items)
        staged: list[Staged] = []
        for line, ext, st in items:
            if isinstance(st, str):
                self._reject(line, ext, st)
                continue
            if st.external_id in self.seen:
                self._reject(line, ext, f"duplicate of line {self.seen[st.external_id]}")
                continue
            self.seen[st.external_id] = line
            staged.append(st)
        existing = self._existing([st.external_id for st in staged])
        fresh = []
        for st in staged:
            if st.external_id in existing:
                self.report.unchanged += 1
                self.report.tip_ids[st.external_id] = existing[st.external_id]
                self.report.already.add(st.external_id)
            else:
                fresh.append(st)
        if not fresh:
            return
        stored = self._db_candidates(fresh) if self.store_has_tips else {}
        self._preload({c.bundle_id for cands in stored.values() for c in cands})
        placed: list[tuple[Staged, Placement]] = []
        for st in fresh:
            cands = [c for k in st.keys for c in stored.get(k, ())]
            where = self.bundler.place(st, cands, new_id)
            state = self.bundler.states[where.bundle]
            if where.created:
                self.unwritten.append(state)
            elif state.written:
                self.dirty[state.id] = state
            placed.append((st, where))
        self._write(placed)
        self.bundler.prune()
        self.preloaded = {}

    def _preload(self, bundle_ids: set[str]) -> None:
        """The stored bundles this chunk's candidates are in, read at once (bundle, referral status,
        split or not), for the few the chunk's tips will join: far fewer statements than one bundle
        at a time."""
        want = sorted(b for b in bundle_ids if b not in self.bundler.states and b not in self.preloaded)
        for i in range(0, len(want), 900):
            part = want[i:i + 900]
            pinned = split_bundles(self.session, part)
            rows = self.session.execute(select(TipBundle, Referral.status)
                                        .outerjoin(Referral, Referral.bundle_id == TipBundle.id)
                                        .where(TipBundle.id.in_(part)))
            for row, status in rows:
                self.preloaded[row.id] = _stored_state(row, status, row.id in pinned)

    def _load_bundle(self, bundle_id: str) -> BundleState:
        found = self.preloaded.pop(bundle_id, None)
        if found is not None:
            return found
        row = self.session.get(TipBundle, bundle_id)
        assert row is not None
        status = self.session.execute(select(Referral.status).where(Referral.bundle_id == bundle_id)).scalar()
        return _stored_state(row, status, bool(split_bundles(self.session, [bundle_id])))

    def _existing(self, external_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        if not self.store_has_tips:
            return out
        for i in range(0, len(external_ids), 900):
            part = external_ids[i:i + 900]
            out.update(self.session.execute(select(Tip.external_id, Tip.id).where(
                Tip.source == self.source, Tip.external_id.in_(part))).all())  # type: ignore[arg-type]
        return out

    def _db_candidates(self, fresh: list[Staged]) -> dict[str, list[tstore.Candidate]]:
        return tstore.candidates_by_key(self.session, {k for st in fresh for k in st.keys})

    # -- writing --

    def _write(self, placed: list[tuple[Staged, Placement]]) -> None:
        s, sink = self.session, self.sink
        load_id = new_id()
        now = utcnow()
        t_now = sink.time(now)
        new_bundles = [b for b in self.unwritten if b.merged_into is None]
        self.unwritten = []
        taken = tstore.take_numbers(s, {"BND": len(new_bundles), "TIP": len(placed)})
        numbers = taken["BND"]
        bundles, referrals, events = [], [], []
        for b, num in zip(new_bundles, numbers, strict=True):
            b.number = num
            pr = tstore.bundle_priority([Reason(p, t) for p, t in b.base], b.count)
            m = self.marks(b.office)
            bundles.append((b.id, num, b.category.most_common(1)[0][0], b.count, sink.time(b.first),
                            sink.time(b.last), b.office, pr.level, pr.score, tstore.reasons_json(pr), load_id,
                            t_now, *m))
            rid = new_id()
            referrals.append((rid, b.id, b.office, "sent", pr.level, t_now, sink.time(now + SLA[pr.level]), "", "",
                              "", load_id, *m))
            events.append((new_id(), rid, "sent", b.office, f"bulk import from {self.source}", self.viewer.username,
                           t_now, load_id))
            b.written, b.sent_at = True, now
            self.dirty.pop(b.id, None)
        tip_numbers = taken["TIP"]
        tips, tipsters, atts, keys, mentions = [], [], [], [], []
        merges: list[tuple[BundleState, str]] = []
        keep_ids = not self.commit_chunks
        tails: dict[str, tuple[Any, ...]] = {}  # per office: the columns every row of a tip ends with
        for (st, where), number in zip(placed, tip_numbers, strict=True):
            tid = new_id()
            bundle = self.bundler.bundle(where.bundle)
            if keep_ids:
                self.report.tip_ids[st.external_id] = tid
            tail = tails.get(st.office_code)
            if tail is None:
                tail = tails[st.office_code] = (load_id, t_now, *self.marks(st.office_code))
            tips.append((tid, number, self.source, *st.tip, bundle, where.reason, *tail))
            if st.tipster:
                m = tail[2:]
                tipsters.append((new_id(), tid, *st.tipster, load_id, m[0], self._tipster_caveat, "", "", m[4], m[5]))
            for a in st.attachments:
                atts.append((new_id(), tid, *a, False, load_id, *tail[2:]))
            t_at = st.tip[2]
            keys += [(new_id(), k, tid, bundle, t_at, load_id) for k in where.keys]
            mentions += [(new_id(), *x, tid, *tail) for x in st.mentions]
            merges.extend((gone, where.reason) for gone in where.merged)
        for table, cols, rows in (("tip_bundles", _BUNDLE, bundles), ("tip_referrals", _REFERRAL, referrals),
                                  ("tip_referral_events", _EVENT, events), ("tips", _TIP, tips),
                                  ("tipster_identities", _TIPSTER, tipsters), ("tip_attachments", _ATTACHMENT, atts),
                                  ("tip_keys", _KEY, keys), ("mentions", _MENTION, mentions)):
            sink.write(table, cols, rows)
        record_event(s, "load", "tips", load_id, source=self.source, tips=len(tips), bundles=len(bundles),
                     referrals=len(referrals), tipsters=len(tipsters), attachments=len(atts), keys=len(keys))
        record_event(s, "load", "mentions", load_id, mentions=len(mentions), relations=0, source="tips")
        self.report.created += len(tips)
        for gone, why in merges:
            survivor = self.bundler.states.get(self.bundler.bundle(gone.id))
            if survivor is not None:
                merge_stored(s, self.viewer, (survivor.id, survivor.number), gone.id, why)
                self.dirty[survivor.id] = survivor
            self.dirty.pop(gone.id, None)
        self._flush_bundles()
        s.flush()
        if self.commit_chunks:
            s.commit()  # an interrupted import resumes after the last whole chunk

    def _flush_bundles(self) -> None:
        """Bundles written earlier that grew: their count, dates, priority, office and referral clock."""
        s = self.session
        grown = [b for b in self.dirty.values() if b.merged_into is None]
        self.dirty = {}
        if not grown:
            return
        rows, clocks, moves = [], [], []
        earlier = [b.id for b in grown if b.sent_at is None]
        refs = {r.bundle_id: r for i in range(0, len(earlier), 900) for r in s.scalars(
            select(Referral).where(Referral.bundle_id.in_(earlier[i:i + 900])))}
        for b in grown:
            pr = tstore.bundle_priority([Reason(p, t) for p, t in b.base], b.count)
            office_id = self.office_ids.get(b.office)
            rows.append({"b_id": b.id, "report_count": b.count, "first_at": b.first, "last_at": b.last,
                         "priority": pr.level, "priority_score": pr.score,
                         "priority_reasons": tstore.reasons_json(pr), "office_code": b.office,
                         "owner_office_id": office_id, "category": b.category.most_common(1)[0][0]})
            if b.sent_at is not None:
                clocks.append({"b_id": b.id, "priority": pr.level, "due_at": b.sent_at + SLA[pr.level]})
                if b.office != HQ:
                    moves.append({"b_id": b.id, "office_code": b.office, "owner_office_id": office_id})
            else:  # a bundle from an earlier import: its referral may have moved on since
                ref = refs.get(b.id)
                if ref is not None and ref.status in ("sent", "rerouted"):
                    ref.priority, ref.due_at = pr.level, as_utc(ref.sent_at) + SLA[pr.level]
                    if ref.status == "sent" and ref.office_code == HQ and b.office != HQ:
                        ref.office_code, ref.owner_office_id = b.office, office_id
        bt, rt = cast(Table, TipBundle.__table__), cast(Table, Referral.__table__)
        s.execute(update(bt).where(bt.c.id == bindparam("b_id")), rows)
        if clocks:
            waiting = or_(rt.c.status == "sent", rt.c.status == "rerouted")
            s.execute(update(rt).where(rt.c.bundle_id == bindparam("b_id"), waiting), clocks)
        if moves:
            s.execute(update(rt).where(rt.c.bundle_id == bindparam("b_id"), rt.c.status == "sent",
                                       rt.c.office_code == HQ), moves)


def _stored_state(row: TipBundle, referral_status: str | None, pinned: bool) -> BundleState:
    """A bundle stored before this chunk, as the bundler keeps it in memory."""
    base = tuple((r.points, r.text) for r in tstore.reasons_from_json(row.priority_reasons)
                 if not r.text.startswith("corroborated"))
    return BundleState(row.id, row.number, Counter({row.category: row.report_count}), row.report_count,
                       as_utc(row.first_at), as_utc(row.last_at), row.office_code, base,
                       sum(p for p, _ in base), new=False, progressed=referral_status not in (None, "sent"),
                       pinned=pinned, written=True)


_WORKER: dict[str, Any] = {}


def _init_worker(specs: list[Any], sqlite: bool) -> None:
    _WORKER.update(specs=specs, sqlite=sqlite)


def _stage_in_worker(item: tuple[int, Any]) -> Item:
    return _stage_item(item, _WORKER["specs"], _WORKER["sqlite"])


def _stage_item(item: tuple[int, Any], specs: Any, sqlite: bool) -> Item:
    line, rec = item
    if isinstance(rec, bytes | str):
        rec = _decode(rec)
    if isinstance(rec, RecordError):
        return line, "", str(rec)
    ext = str(rec.get("external_id") or "")[:120] if isinstance(rec, dict) else ""
    try:
        return line, ext, stage(prepare(rec, specs), sqlite)
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


@contextmanager
def _young_collections_every(allocations: int) -> Iterator[None]:
    """The garbage collector's first threshold raised for a while (in this process and the workers
    it forks). An import makes millions of small tuples that live for a chunk (rows, candidates)
    beside the dedup window's features that live for months: collected every 700 allocations (the
    default), each of them is traversed again and again on its way to the oldest generation."""
    old = gc.get_threshold()
    gc.set_threshold(allocations, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


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
    with _young_collections_every(GC_YOUNG):
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
    tstore.lock_bundling(session)  # online intake may be bundling the same events right now
    imp = Importer(session, viewer, source, bulk=False)
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
