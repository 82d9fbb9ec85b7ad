"""The audit trail: append-only, hash-chained, written in the same transaction as the change it records.

Every ORM write is audited by a ``before_flush`` hook, so no service can forget; a flush with writes
but no viewer on the session is refused (``AuditMissing``). Reads of protected records and batch
writes that bypass the ORM call ``record_event`` themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, String, Text, event, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import AuditMissing
from pathways.core.ids import new_id
from pathways.core.policy import Viewer
from pathways.store.base import MARKING_COLUMNS, Base, Marked

GENESIS = "0" * 64
MAX_DETAIL = 4000


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __audited__ = False

    seq: Mapped[int] = mapped_column(Integer, unique=True, index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(80), index=True)
    object_id: Mapped[str | None] = mapped_column(String(200), index=True)
    origin: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the last sequence number and hash, locked by every appender."""

    __tablename__ = "audit_head"
    __audited__ = False

    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


HEAD_ID = "head"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def event_digest(e: AuditEvent) -> str:
    """The hash of one event: its own fields and the hash before it."""
    body = {
        "seq": e.seq,
        "id": e.id,
        "at": as_utc(e.at).isoformat(timespec="microseconds"),
        "actor_user_id": e.actor_user_id,
        "actor": e.actor,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "origin": e.origin,
        "detail": e.detail,
        "prev_hash": e.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class PendingEvent:
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


def viewer_of(session: Session) -> Viewer | None:
    return session.info.get("viewer")


def bind_viewer(session: Session, viewer: Viewer) -> None:
    session.info["viewer"] = viewer


def record_event(
    session: Session, action: str, object_type: str, object_id: str | None = None, /, **detail: Any
) -> None:
    """Append an event now: a read, a login, a batch load, anything the ORM cannot see."""
    _append(session, [PendingEvent(action, object_type, object_id, detail)])


def record_reads(session: Session, objects: Iterable[Any]) -> None:
    """Log a read of every protected record shown to the viewer."""
    from pathways.store.policy import is_protected

    for obj in objects:
        if is_protected(obj):
            record_event(session, "read", obj.__tablename__, obj.id)


WITHHELD = "<withheld>"
OPEN_COLUMNS = MARKING_COLUMNS | {"id", "created_at", "updated_at"}


def _secret_columns(obj: Any) -> set[str]:
    """Columns whose values never enter the log: secrets, and the content of protected records.

    The log is read by auditors whose clearance need not cover the records they audit, so for a
    protected record it keeps which fields changed and the markings, not the values."""
    columns = inspect(type(obj)).columns
    secret = {c.key for c in columns if c.info.get("secret")}
    if isinstance(obj, Marked) and obj.protected:
        secret |= {c.key for c in columns if c.key not in OPEN_COLUMNS}
    return secret


def _apply_defaults(obj: Any) -> None:
    """Fill Python-side column defaults now, so the audit event shows the values the row will get."""
    for column in inspect(type(obj)).columns:
        default = column.default
        if default is None or getattr(obj, column.key, None) is not None:
            continue
        if default.is_scalar:
            setattr(obj, column.key, default.arg)
        elif default.is_callable:
            setattr(obj, column.key, default.arg(None))


def _snapshot(obj: Any) -> dict[str, Any]:
    _apply_defaults(obj)
    secret = _secret_columns(obj)
    out = {}
    for attr in inspect(type(obj)).column_attrs:
        if attr.key in secret:
            out[attr.key] = WITHHELD
        else:
            out[attr.key] = _jsonable(getattr(obj, attr.key))
    return out


def _changes(obj: Any) -> dict[str, Any]:
    secret = _secret_columns(obj)
    state = inspect(obj)
    out: dict[str, Any] = {}
    quiet = {c.key for c in state.mapper.columns if c.info.get("audit") is False}
    for attr in state.mapper.column_attrs:
        if attr.key in quiet:
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            if attr.key in secret:
                out[attr.key] = WITHHELD
            else:
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                out[attr.key] = [_jsonable(old), _jsonable(new)]
    return out


def _is_audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def _orm_events(session: Session) -> list[PendingEvent]:
    events = []
    for obj in session.new:
        if _is_audited(obj):
            snapshot = _snapshot(obj)  # fills defaults, the id among them
            events.append(PendingEvent("create", obj.__tablename__, obj.id, snapshot))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj)
            if changes:
                events.append(PendingEvent("update", obj.__tablename__, obj.id, changes))
    for obj in session.deleted:
        if _is_audited(obj):
            events.append(PendingEvent("delete", obj.__tablename__, obj.id, {}))
    return events


def _lock_head(session: Session) -> AuditHead:
    """The chain's head, locked for this transaction (PostgreSQL: row lock; SQLite: writers begin
    IMMEDIATE, so the database lock is already held). Read fresh once per transaction, then kept in
    memory so several appends in one transaction continue each other."""
    txn = session.get_transaction()
    cached = session.info.get("audit_head")
    if cached is not None and cached[0] is txn:
        return cached[1]  # type: ignore[no-any-return]
    stmt = select(AuditHead).where(AuditHead.id == HEAD_ID).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    head = session.execute(stmt).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ID, seq=0, hash=GENESIS)
        session.add(head)
    session.info["audit_head"] = (txn, head)
    return head


def _truncate(detail: dict[str, Any]) -> str:
    text_ = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    return text_ if len(text_) <= MAX_DETAIL else text_[: MAX_DETAIL - 1] + "…"


def _append(session: Session, events: list[PendingEvent]) -> None:
    viewer = viewer_of(session)
    if viewer is None:
        kinds = sorted({e.object_type for e in events})
        raise AuditMissing(f"write to {', '.join(kinds)} with no viewer bound to the session")
    with session.no_autoflush:
        head = _lock_head(session)
        seq, prev = head.seq, head.hash
        now = utcnow()
        for pending in events:
            seq += 1
            row = AuditEvent(
                id=new_id(),
                seq=seq,
                at=now,
                actor_user_id=viewer.user_id,
                actor=viewer.username,
                action=pending.action,
                object_type=pending.object_type,
                object_id=pending.object_id,
                origin=viewer.origin,
                detail=_truncate(pending.detail),
                prev_hash=prev,
            )
            row.hash = event_digest(row)
            prev = row.hash
            session.add(row)
        head.seq, head.hash = seq, prev


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    events = _orm_events(session)
    if events:
        _append(session, events)


@dataclass
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the log in order; name the first event whose hash or link does not hold."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return ChainReport(checked, expected_seq, f"event #{expected_seq} is missing")
            if row.prev_hash != prev:
                return ChainReport(checked, row.seq, f"event #{row.seq} does not link to the event before it")
            if event_digest(row) != row.hash:
                return ChainReport(checked, row.seq, f"event #{row.seq} was altered after it was written")
            prev, expected_seq, checked, last = row.hash, expected_seq + 1, checked + 1, row.seq
        session.expunge_all()
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(checked, checked + 1, f"events after #{checked} were removed (head is #{head.seq})")
    return ChainReport(checked)


APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
]
APPEND_ONLY_POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]


def append_only_statements(dialect: str) -> list[str]:
    return APPEND_ONLY_POSTGRES if dialect == "postgresql" else APPEND_ONLY_SQLITE


def install_append_only(session: Session) -> None:
    for stmt in append_only_statements(session.get_bind().dialect.name):
        session.execute(text(stmt))
