"""Online intake in groups: single tips sent to ``POST /api/tips`` at once are judged and written together.

Group commit, as databases do for their log: while one group is being written, the tips that arrive
queue; when it is done, all of them go as the next group, through the bulk importer's path (one
candidate look-up among the stored keys, bundling in memory, Core inserts, one audit event), in one
transaction. A lone tip is a group of one; under load the groups grow and the cost per tip falls,
so the server keeps up instead of queueing. Every caller still waits for its own tip to be stored,
routed and bundled, and gets its own answer (created or already there, or why it was refused).

Bundling reads bundles and then writes their counts, so groups of all server processes are written
one at a time: on SQLite the group writers take turns by a file lock (``store.bundling_turn``) before
their transaction takes the write lock; on PostgreSQL the transaction takes the bundling lock first
(``store.lock_bundling``). ADR 0020.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.api.deps import transaction_slot
from pathways.core.errors import InvalidInput, PathwaysError
from pathways.core.policy import Viewer
from pathways.resolve.mentions import note_new_parties
from pathways.resolve.models import Mention
from pathways.store.session import unit_of_work
from pathways.tips import store as tstore
from pathways.tips.importer import Importer
from pathways.tips.models import Tip
from pathways.tips.prepare import external_id_of
from pathways.tips.service import PARTY_MENTION_KINDS

MAX_GROUP = 500  # tips a group holds at most: a burst is written in several transactions, none long
Present = Callable[[Tip, bool], Any]


@dataclass
class Waiting:
    viewer: Viewer
    source: str
    record: dict[str, Any]
    done: asyncio.Future[Any] = field(repr=False)


class IntakeGroups:
    """The tips waiting in one server process (one per event loop) and the group being written."""

    def __init__(self, present: Present) -> None:
        self.present = present
        self.waiting: list[Waiting] = []
        self.writer: asyncio.Task[None] | None = None

    async def submit(self, viewer: Viewer, record: dict[str, Any], source: str) -> Any:
        """The presented tip, once its group is committed; InvalidInput if it was refused."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append(Waiting(viewer, source, record, done))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        while self.waiting:
            group, self.waiting = self.waiting[:MAX_GROUP], self.waiting[MAX_GROUP:]
            try:
                async with transaction_slot():
                    outcomes = await run_in_threadpool(write_group, group, self.present)
            except Exception as exc:  # never leave a caller waiting for an answer that will not come
                outcomes = [exc] * len(group)
            for w, outcome in zip(group, outcomes, strict=True):
                if w.done.done():  # the caller went away; its tip is stored all the same
                    continue
                if isinstance(outcome, BaseException):
                    w.done.set_exception(outcome)
                else:
                    w.done.set_result(outcome)


_PER_LOOP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, IntakeGroups] = weakref.WeakKeyDictionary()


def groups_for(present: Present) -> IntakeGroups:
    """This event loop's queue (one per server process; a test client's loop gets its own)."""
    loop = asyncio.get_running_loop()
    found = _PER_LOOP.get(loop)
    if found is None:
        found = _PER_LOOP[loop] = IntakeGroups(present)
    return found


def write_group(group: list[Waiting], present: Present) -> list[Any]:
    """Each caller's outcome, in order: the presented tip, or the exception that is its answer. Tips
    of one caller and source share a transaction."""
    outcomes: list[Any] = [None] * len(group)
    parts: dict[tuple[Viewer, str], list[int]] = {}
    for i, w in enumerate(group):
        parts.setdefault((w.viewer, w.source), []).append(i)
    for (viewer, source), members in parts.items():
        results = _write_or_retry(viewer, source, [group[i].record for i in members], present)
        for i, r in zip(members, results, strict=True):
            outcomes[i] = r
    return outcomes


def _write_or_retry(viewer: Viewer, source: str, records: list[dict[str, Any]], present: Present) -> list[Any]:
    """The records in one transaction; should it fail as a whole on a database error (a bad record is
    not one: it is refused on its own), each is tried alone, so the others still get in."""
    try:
        return _write_part(viewer, source, records, present)
    except Exception as exc:
        if isinstance(exc, PathwaysError) or len(records) == 1:
            return [exc] * len(records)
    out: list[Any] = []
    for record in records:
        try:
            out += _write_part(viewer, source, [record], present)
        except Exception as exc:  # this tip's own failure is its caller's answer
            out.append(exc)
    return out


def _write_part(viewer: Viewer, source: str, records: list[dict[str, Any]], present: Present) -> list[Any]:
    """One transaction: the records of one caller imported as a chunk, then each presented."""
    with tstore.bundling_turn(), unit_of_work(viewer) as session:
        tstore.lock_bundling(session)
        ext_ids = [external_id_of(r) for r in records]
        report = Importer(session, viewer, source, bulk=False).run(enumerate(records, start=1))
        known = report.already
        refused = {r.line: r.reason for r in report.rejects}
        tips = {t.id: t for t in session.scalars(select(Tip).where(Tip.id.in_(list(report.tip_ids.values()))))}
        created = [tid for ext, tid in report.tip_ids.items() if ext not in known]
        _note_parties(session, created)
        out: list[Any] = []
        first: set[str] = set()
        for line, ext in enumerate(ext_ids, start=1):
            tid = report.tip_ids.get(ext)
            if tid is None:
                out.append(InvalidInput(refused.get(line, "the tip was not stored")))
                continue
            # a repeat of an external_id in the same group is answered like a repeat sent later
            out.append(present(tips[tid], ext not in known and ext not in first))
            first.add(ext)
        return out


def _note_parties(session: Session, tip_ids: list[str]) -> None:
    """Tips that name people or firms: their parties join the entities once the group commits."""
    if not tip_ids:
        return
    # kinds filtered here: with them in the query, PostgreSQL's plan walks every party mention by kind
    mentions = session.execute(select(Mention.record_id, Mention.kind).where(
        Mention.record_type == "tip", Mention.record_id.in_(tip_ids)))
    for tid in sorted({tid for tid, kind in mentions if kind in PARTY_MENTION_KINDS}):
        note_new_parties(session, "tip", tid)
