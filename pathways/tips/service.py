"""Tip operations: intake (public form, operator, API), bundles, referrals and their SLA, receipts and
messages, queues. Plain functions taking a session and a ``Viewer``; every read goes through
``store.policy``."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, case, func, insert, select
from sqlalchemy.orm import Session

from pathways.core.clock import as_utc, utcnow
from pathways.core.errors import Conflict, Forbidden, InvalidInput, NotFound, PathwaysError
from pathways.core.ids import new_id
from pathways.core.policy import Classification, Markings, Role, Viewer
from pathways.core.settings import get_settings
from pathways.identity.passwords import _HASHER
from pathways.resolve.mentions import marking_columns, note_new_parties
from pathways.resolve.models import Mention, MentionKind
from pathways.store.audit import record_event
from pathways.store.policy import fetch_visible, visible
from pathways.tips import store as tstore
from pathways.tips.bundles import merge_stored, refresh, split_bundles
from pathways.tips.dedup import Match, matching_bundles
from pathways.tips.models import (
    Referral,
    ReferralEvent,
    Tip,
    TipAttachment,
    TipBundle,
    TipKey,
    TipMessage,
    TipRateHit,
    TipsterIdentity,
)
from pathways.tips.prepare import PreparedTip, RecordError, prepare
from pathways.tips.priority import SLA, Priority

DISPOSITIONS = {"lead_opened": "Lead opened", "no_action": "No action", "referred_other_agency":
                "Referred to another agency", "duplicate": "Duplicate"}
OPEN_STATUSES = ("sent", "accepted", "declined", "rerouted")
TIPLINE = (Role.TIPLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
RATE_LIMIT = 10  # anonymous reports per client per hour
MAX_UPLOAD = 10 * 1024 * 1024


class RateLimited(PathwaysError):
    status = 429
    title = "Too many requests"


@dataclass
class Submitted:
    tip: Tip
    created: bool
    receipt_code: str | None = None
    passphrase: str | None = None


@dataclass
class Planned:
    """A tip judged before any write: prepared, and the bundles of the candidate duplicates read from
    the index that report the same event (``dedup.matching_bundles``)."""
    prepared: PreparedTip
    office_ids: dict[str, str]
    found: list[Match]


def plan(session: Session, record: dict[str, Any]) -> Planned:
    """Everything about a new tip that needs no lock: validation, extraction, routing, MinHash,
    priority and the candidate look-up."""
    specs, office_ids = tstore.offices(session)
    try:
        p = prepare(record, specs)
    except RecordError as exc:
        raise InvalidInput(str(exc)) from None
    candidates = tstore.db_candidates(session, p.features.keys)
    found = matching_bundles(p.features, ((c.bundle_id, c, c.features) for c in candidates))
    return Planned(p, office_ids, found)


def submit(session: Session, viewer: Viewer, record: dict[str, Any], *, source: str,
           receipt: bool = False, files: list[tuple[str, str, bytes]] | None = None) -> Submitted:
    """Take one tip: validated, extracted, routed, bundled, prioritized, referred; idempotent by
    (source, external_id)."""
    existing = session.execute(
        select(Tip).where(Tip.source == source, Tip.external_id == str(record.get("external_id") or ""))
    ).scalar_one_or_none()
    if existing is not None:
        return Submitted(existing, created=False)
    tip = _store_one(session, viewer, plan(session, record), source, files or [])
    out = Submitted(tip, created=True)
    if receipt:
        out.receipt_code, out.passphrase = _issue_receipt(tip)
    return out


def _matched_bundles(session: Session, found: list[Match]
                     ) -> list[tuple[TipBundle, Referral | None, tstore.Candidate, str]]:
    """The bundles holding the matching reports, with their referrals, strongest match first, as they
    are now (the candidates were read before the write began, maybe before a merge or a split)."""
    if not found:
        return []
    stmt = (select(Tip.id, TipBundle, Referral).join(TipBundle, TipBundle.id == Tip.bundle_id)
            .outerjoin(Referral, Referral.bundle_id == TipBundle.id)
            .where(Tip.id.in_([m.ref.tip_id for m in found])).execution_options(populate_existing=True))
    with session.no_autoflush:  # the counters' audit events go with the tip's, in one flush
        now_in = {tid: (b, r) for tid, b, r in session.execute(stmt)}
    out: list[tuple[TipBundle, Referral | None, tstore.Candidate, str]] = []
    for m in found:
        hit = now_in.get(m.ref.tip_id)
        if hit is not None and all(b.id != hit[0].id for b, _, _, _ in out):
            out.append((hit[0], hit[1], m.ref, m.why))
    return out


def _survivor(session: Session, bundles: list[TipBundle]) -> TipBundle:
    """The bundle the others merge into: one whose referral an office already works, else the
    larger, else the older."""
    if len(bundles) == 1:
        return bundles[0]
    acted = set(session.execute(select(Referral.bundle_id).where(
        Referral.bundle_id.in_([b.id for b in bundles]), Referral.status != "sent")).scalars())
    return max(bundles, key=lambda b: (b.id in acted, b.report_count, -as_utc(b.first_at).timestamp()))


def _store_one(session: Session, viewer: Viewer, planned: Planned, source: str,
               files: list[tuple[str, str, bytes]]) -> Tip:
    """The tip's rows, written by Core inserts under one load id and one audit event (a bundle it
    joins is an ORM update, audited as such).

    On PostgreSQL the tip-number counter is the lock every writer queues for (then the bundle counter
    and the audit chain's head, in that order, ``tstore.take_numbers``), held until the commit: the
    mentions, which need nothing from other writers, go in before it; the bundles the tip joins are
    read after it, so their counts are the last writer's."""
    p, office_ids, found = planned.prepared, planned.office_ids, planned.found
    office_id = office_ids.get(p.route.office_code)
    m = tstore.tip_markings(session, office_id)
    marks = marking_columns(m)
    tip_id, load_id, now = new_id(), new_id(), utcnow()
    conn = session.connection()
    mentions = _mentions(conn, tip_id, p, marks, load_id, now)
    tstore.lock_bundling(session)
    numbers = tstore.take_numbers(session, {"TIP": 1} if found else {"TIP": 1, "BND": 1})
    matched = _matched_bundles(session, found)
    assert len(matched) >= 1 or not found  # a tip is never deleted, and always in a bundle
    others: list[TipBundle] = []
    if matched:
        if len(matched) > 1 and split_bundles(session, [b.id for b, _, _, _ in matched]):
            matched = matched[:1]  # a supervisor split these apart: join the strongest match only
        bundle = _survivor(session, [b for b, _, _, _ in matched])
        bundle_id = bundle.id
        others = [b for b, _, _, _ in matched if b is not bundle]
        _, _, cand, why = matched[0]
        bundle_reason = f"bundled with {cand.number or 'an earlier tip'}: {why}"
        if others:
            bundle_reason += f" (and joined {len(matched)} bundles of the same event)"
        else:
            _join_bundle(session, viewer, bundle, matched[0][1], p, office_ids)
    else:
        bundle_id, bundle_reason = new_id(), "first report of its event"
        _first_report(conn, viewer, bundle_id, numbers["BND"][0], p, marks, load_id, now)
    conn.execute(insert(TipKey), [{"id": new_id(), "key": k, "tip_id": tip_id, "bundle_id": bundle_id,
                                              "received_at": p.received_at, "load_id": load_id}
                                             for k in p.features.keys])
    row = {
        **marks, "id": tip_id, "number": numbers["TIP"][0], "source": source,
        "external_id": p.external_id, "channel": p.channel, "received_at": p.received_at, "category": p.category,
        "category_reason": p.category_reason, "narrative": p.narrative, "location": json.dumps(p.location),
        "subjects": json.dumps(p.subjects), "office_code": p.route.office_code, "routing_reason": p.route.reason,
        "routing_flag": p.route.flag, "priority": p.priority.level, "priority_score": p.priority.score,
        "priority_reasons": tstore.reasons_json(p.priority), "bundle_id": bundle_id, "bundle_reason": bundle_reason,
        "identifiers": "\n".join(sorted(p.features.idents)), "signature": p.features.sig, "load_id": load_id,
        "created_at": now}
    conn.execute(insert(Tip), row)
    if p.tipster:
        conn.execute(insert(TipsterIdentity), {
            **marking_columns(tstore.tipster_markings(session, office_id)), "id": new_id(), "tip_id": tip_id,
            "name": p.tipster.get("name", ""), "phone": p.tipster.get("phone", ""),
            "email": p.tipster.get("email", ""), "load_id": load_id})
    if p.attachments:
        conn.execute(insert(TipAttachment), [{**marks, "id": new_id(), "tip_id": tip_id, "stored": False,
                                                         "load_id": load_id, **a} for a in p.attachments])
    tip = tstore.as_loaded(session, Tip, row)
    for filename, content_type, data in files:
        att = TipAttachment(tip_id=tip_id, filename=filename[:300], content_type=content_type[:120] or
                            "application/octet-stream", size_bytes=len(data), sha256=store_file(data), stored=True)
        att.apply_markings(m)
        session.add(att)
    if others:
        session.flush()
        for gone in others:
            merge_stored(session, viewer, bundle, gone.id, f"{p.external_id} matched both: {matched[0][3]}")
        refresh(session, bundle)
    if any(x["kind"] in PARTY_MENTION_KINDS for x in mentions):
        note_new_parties(session, "tip", tip_id)  # its subjects join their entities after the commit
    record_event(session, "load", "tips", load_id, tip=tip_id, bundle=bundle_id, keys=len(p.features.keys),
                 mentions=len(mentions), tipster=bool(p.tipster), attachments=len(p.attachments))
    return tip


def _first_report(conn: Connection, viewer: Viewer, bundle_id: str, number: str, p: PreparedTip,
                  marks: dict[str, Any], load_id: str, now: datetime) -> None:
    """A new bundle of this one report and its referral, as rows of the tip's load."""
    referral_id = new_id()
    conn.execute(insert(TipBundle), {
        **marks, "id": bundle_id, "number": number, "category": p.category,
        "report_count": 1, "first_at": p.received_at, "last_at": p.received_at, "office_code": p.route.office_code,
        "priority": p.priority.level, "priority_score": p.priority.score,
        "priority_reasons": tstore.reasons_json(p.priority), "load_id": load_id, "created_at": now})
    conn.execute(insert(Referral), {
        **marks, "id": referral_id, "bundle_id": bundle_id, "office_code": p.route.office_code, "status": "sent",
        "priority": p.priority.level, "sent_at": now, "due_at": now + SLA[p.priority.level], "load_id": load_id})
    conn.execute(insert(ReferralEvent), {
        "id": new_id(), "referral_id": referral_id, "action": "sent", "office_code": p.route.office_code,
        "note": p.route.reason[:500], "actor": viewer.username, "at": now, "load_id": load_id})


PARTY_MENTION_KINDS = (MentionKind.PERSON.value, MentionKind.ORGANIZATION.value)


def _mentions(conn: Connection, tip_id: str, p: PreparedTip, marks: dict[str, Any], load_id: str,
              now: datetime) -> list[dict[str, Any]]:
    """The tip's mentions (rows of its load), written; returns them."""
    mentions = [{**marks, "id": new_id(), "kind": i.mention_kind.value, "value": i.value[:500],
                 "normalized": i.normalized[:500], "source": "tips", "record_type": "tip", "record_id": tip_id,
                 "field": i.field, "load_id": load_id, "created_at": now} for i in p.identifiers]
    if mentions:
        conn.execute(insert(Mention), mentions)
    return mentions


def _open_bundle(session: Session, viewer: Viewer, *, category: str, at: datetime, office_code: str,
                 priority: Priority, office_ids: dict[str, str], note: str) -> TipBundle:
    """A bundle of one report, and its referral sent to the office."""
    office_id = office_ids.get(office_code)
    b = TipBundle(id=new_id(), number=tstore.next_numbers(session, "BND", 1)[0], category=category, report_count=1,
                  first_at=at, last_at=at, office_code=office_code, priority=priority.level,
                  priority_score=priority.score, priority_reasons=tstore.reasons_json(priority))
    b.apply_markings(tstore.tip_markings(session, office_id))
    session.add(b)
    session.flush()  # no ORM relationships: rows that others point at go first
    now = utcnow()
    r = Referral(id=new_id(), bundle_id=b.id, office_code=b.office_code, status="sent", priority=b.priority,
                 sent_at=now, due_at=now + SLA[b.priority])
    r.apply_markings(tstore.tip_markings(session, office_id))
    session.add(r)
    session.flush()
    session.add(ReferralEvent(referral_id=r.id, action="sent", office_code=b.office_code, note=note[:500],
                              actor=viewer.username))
    return b


def split(session: Session, viewer: Viewer, tip_id: str, reason: str) -> TipBundle:
    """A supervisor's judgement that a tip is not the event of its bundle: it leaves for a bundle of
    its own, with its own referral to the tip's office. The old bundle keeps its other reports and
    referral; both histories say what happened, and the two are never merged again automatically."""
    if not viewer.has_role(Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("only a supervisor splits bundles")
    if not reason.strip():
        raise InvalidInput("say why this tip is not the same event")
    tip = fetch_visible(session, Tip, tip_id, viewer)
    old = session.get(TipBundle, tip.bundle_id)
    assert old is not None
    if old.report_count <= 1:
        raise Conflict("this tip is alone in its bundle already")
    _, office_ids = tstore.offices(session)
    why = reason.strip()[:400]
    new = _open_bundle(session, viewer, category=tip.category, at=as_utc(tip.received_at),
                       office_code=tip.office_code, office_ids=office_ids,
                       priority=Priority(tip.priority, tip.priority_score,
                                         tuple(tstore.reasons_from_json(tip.priority_reasons))),
                       note=f"split from {old.number}: {why}")
    tip.bundle_id = new.id
    tip.bundle_reason = f"split from {old.number} by {viewer.username}: {why}"[:300]
    session.flush()
    refresh(session, old)
    kept = session.execute(select(Referral).where(Referral.bundle_id == old.id)).scalar_one_or_none()
    if kept is not None:
        _event(session, viewer, kept, "split", f"{tip.number} moved to {new.number}: {why}")
    record_event(session, "split", "tip_bundles", old.id, tip=tip.id, into=new.id, reason=why)
    return new


def _join_bundle(session: Session, viewer: Viewer, b: TipBundle, ref: Referral | None, p: PreparedTip,
                 office_ids: dict[str, str]) -> None:
    b.report_count += 1
    b.first_at = min(as_utc(b.first_at), p.received_at)
    b.last_at = max(as_utc(b.last_at), p.received_at)
    base = tstore.reasons_from_json(b.priority_reasons)
    if p.priority.score > sum(r.points for r in base if not r.text.startswith("corroborated")):
        base = list(p.priority.reasons)
    pr = tstore.bundle_priority(base, b.report_count)
    b.priority, b.priority_score, b.priority_reasons = pr.level, pr.score, tstore.reasons_json(pr)
    if ref is None:
        return
    if ref.status in ("sent", "rerouted") and ref.priority != pr.level:
        ref.priority = pr.level
        ref.due_at = as_utc(ref.sent_at) + SLA[pr.level]
    # A bundle that only HQ could place moves to the office once a report says where it happened.
    if (b.office_code == "HQ-TRIAGE" and p.route.office_code != "HQ-TRIAGE" and not p.route.flag
            and ref.status == "sent"):
        b.office_code = ref.office_code = p.route.office_code
        ref.owner_office_id = b.owner_office_id = office_ids.get(p.route.office_code)
        session.add(ReferralEvent(referral_id=ref.id, action="rerouted", office_code=p.route.office_code,
                                  note=f"a later report gave the place: {p.route.reason}", actor=viewer.username))


# --- attachments ------------------------------------------------------------------------------------


def attachments_dir() -> Path:
    return get_settings().var_dir / "tips" / "attachments"


def store_file(data: bytes) -> str:
    """Keep an opaque file under var/ by its SHA-256 (owner-only permissions); returns the hash."""
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(f"an attachment may be at most {MAX_UPLOAD // (1024 * 1024)} MB")
    sha = hashlib.sha256(data).hexdigest()
    path = attachments_dir() / sha[:2] / sha
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.chmod(0o600)
        tmp.replace(path)
    return sha


def attachment_bytes(session: Session, viewer: Viewer, attachment_id: str) -> tuple[TipAttachment, bytes]:
    """The file, for the tipline unit and supervisors only; the caller sends it as a download."""
    if not viewer.has_role(*TIPLINE):
        raise Forbidden("only the tipline unit and supervisors may download tip attachments")
    att = fetch_visible(session, TipAttachment, attachment_id, viewer)
    if not att.stored:
        raise NotFound("the source sent only this file's description; there is no file to download")
    path = attachments_dir() / att.sha256[:2] / att.sha256
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != att.sha256:
        raise Conflict("the stored file does not match its SHA-256")
    record_event(session, "download", "tip_attachments", att.id)
    return att, data


# --- receipts, rate limits, messages ----------------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _random(n: int) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(n))


def _issue_receipt(tip: Tip) -> tuple[str, str]:
    code = f"{_random(4)}-{_random(4)}-{_random(4)}"
    passphrase = "-".join(_random(5).lower() for _ in range(4))
    tip.receipt_code = code
    tip.passphrase_hash = _HASHER.hash(passphrase)
    return code, passphrase


def receipt_token(tip_id: str) -> str:
    return f"receipt:{tip_id}"


def tipster_viewer(tip_id: str) -> Viewer:
    """The holder of a receipt: sees what is released to that receipt, nothing else; audited as
    "tipster" with no address."""
    return Viewer(user_id=None, username="tipster", org_id=receipt_token(tip_id), roles=frozenset({Role.PUBLIC}),
                  clearance=Classification.LAW_ENFORCEMENT_SENSITIVE, origin="anonymous")


def open_receipt(session: Session, code: str, passphrase: str) -> str:
    """The tip id behind a receipt, if the passphrase is right; the same error and time otherwise."""
    code = code.strip().upper()
    tip_id, phash = session.execute(
        select(Tip.id, Tip.passphrase_hash).where(Tip.receipt_code == code)).one_or_none() or (None, None)
    from pathways.identity.passwords import verify_password

    if not verify_password(phash, passphrase.strip().lower()) or tip_id is None:
        raise NotFound("no report matches this receipt code and passphrase")
    return str(tip_id)


def client_hash(origin: str) -> str:
    """A keyed, daily-rotating hash of the client address: enough to rate-limit, useless to identify."""
    day = utcnow().strftime("%Y-%m-%d")
    key = get_settings().effective_secret_key().encode()
    return hmac.new(key, f"{day}|{origin}".encode(), hashlib.sha256).hexdigest()


def check_rate(session: Session, origin: str) -> None:
    h = client_hash(origin)
    since = utcnow() - timedelta(hours=1)
    n = session.execute(select(func.count(TipRateHit.id)).where(TipRateHit.client_hash == h,
                                                                TipRateHit.at >= since)).scalar_one()
    if n >= RATE_LIMIT:
        raise RateLimited(f"at most {RATE_LIMIT} reports an hour from one connection; please try again later")
    session.add(TipRateHit(client_hash=h))


def ask(session: Session, viewer: Viewer, tip_id: str, question: str) -> TipMessage:
    if not viewer.has_role(*TIPLINE):
        raise Forbidden("only the tipline unit writes to tipsters")
    tip = fetch_visible(session, Tip, tip_id, viewer)
    if not tip.receipt_code:
        raise Conflict("this tip has no receipt: the tipster cannot be reached through the tip line")
    return _message(session, tip, "question", question, viewer.username)


def answer(session: Session, tip_id: str, text: str) -> TipMessage:
    tip = session.get(Tip, tip_id)
    if tip is None:
        raise NotFound("no such report")
    return _message(session, tip, "answer", text, "tipster")


def _message(session: Session, tip: Tip, direction: str, text: str, author: str) -> TipMessage:
    body = text.strip()
    if not body:
        raise InvalidInput("the message is empty")
    if len(body) > 5000:
        raise InvalidInput("a message may be at most 5,000 characters")
    msg = TipMessage(tip_id=tip.id, direction=direction, body=body, author=author)
    msg.apply_markings(Markings(classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
                                owner_org_id=tip.owner_org_id, owner_office_id=tip.owner_office_id,
                                releasable_to=frozenset({receipt_token(tip.id)})))
    session.add(msg)
    session.flush()
    return msg


def messages(session: Session, viewer: Viewer, tip_id: str) -> list[TipMessage]:
    stmt = select(TipMessage).where(TipMessage.tip_id == tip_id).order_by(TipMessage.at)
    return list(session.execute(visible(session, stmt, TipMessage, viewer)).scalars())


# --- reads ------------------------------------------------------------------------------------------


def tips_statement(session: Session, viewer: Viewer, filters: dict[str, str]) -> Select[Any]:
    stmt = select(Tip)
    if filters.get("q"):
        stmt = stmt.where(Tip.narrative.contains(filters["q"]))
    if filters.get("office"):
        stmt = stmt.where(Tip.office_code == filters["office"])
    if filters.get("category"):
        stmt = stmt.where(Tip.category == filters["category"])
    if filters.get("priority"):
        stmt = stmt.where(Tip.priority == filters["priority"])
    if filters.get("bundle"):
        stmt = stmt.where(Tip.bundle_id == filters["bundle"])
    return visible(session, stmt, Tip, viewer)


def get_tip(session: Session, viewer: Viewer, key: str) -> Tip:
    if not key.startswith("TIP "):
        return fetch_visible(session, Tip, key, viewer)
    tid = session.execute(select(Tip.id).where(Tip.number == key)).scalar_one_or_none()
    if tid is None:
        raise NotFound(f"tip {key} not found")
    return fetch_visible(session, Tip, tid, viewer)


def tipster_of(session: Session, viewer: Viewer, tip_id: str) -> TipsterIdentity | None:
    stmt = select(TipsterIdentity).where(TipsterIdentity.tip_id == tip_id)
    row = session.execute(visible(session, stmt, TipsterIdentity, viewer)).scalar_one_or_none()
    if row is not None:
        record_event(session, "read", "tipster_identities", row.id)
    return row


def attachments_of(session: Session, viewer: Viewer, tip_id: str) -> list[TipAttachment]:
    stmt = select(TipAttachment).where(TipAttachment.tip_id == tip_id)
    return list(session.execute(visible(session, stmt, TipAttachment, viewer)).scalars())


def get_bundle(session: Session, viewer: Viewer, bundle_id: str) -> TipBundle:
    if bundle_id.startswith("BND "):
        found = session.execute(select(TipBundle.id).where(TipBundle.number == bundle_id)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"bundle {bundle_id} not found")
        bundle_id = found
    return fetch_visible(session, TipBundle, bundle_id, viewer)


def bundle_tips(session: Session, viewer: Viewer, bundle_id: str, limit: int = 500) -> list[Tip]:
    stmt = select(Tip).where(Tip.bundle_id == bundle_id).order_by(Tip.received_at).limit(limit)
    return list(session.execute(visible(session, stmt, Tip, viewer)).scalars())


def referral_of(session: Session, viewer: Viewer, bundle_id: str) -> Referral | None:
    stmt = select(Referral).where(Referral.bundle_id == bundle_id)
    return session.execute(visible(session, stmt, Referral, viewer)).scalar_one_or_none()


def referral_history(session: Session, referral_id: str) -> list[ReferralEvent]:
    return list(session.execute(select(ReferralEvent).where(ReferralEvent.referral_id == referral_id)
                                .order_by(ReferralEvent.at)).scalars())


def queue_statement(session: Session, viewer: Viewer, office: str | None, status: str | None,
                    breached: bool = False) -> Select[Any]:
    """Referrals with their bundles, most urgent first (the caller orders)."""
    stmt = select(Referral, TipBundle).join(TipBundle, TipBundle.id == Referral.bundle_id)
    if office:
        stmt = stmt.where(Referral.office_code == office)
    stmt = stmt.where(Referral.status == status) if status else stmt.where(Referral.status.in_(OPEN_STATUSES))
    if breached:
        stmt = stmt.where(Referral.status.in_(("sent", "rerouted")), Referral.due_at < utcnow())
    return visible(session, stmt, Referral, viewer)  # type: ignore[arg-type]


def sla_summary(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Per office: open referrals, waiting for acceptance, and SLA breaches."""
    now = utcnow()
    waiting = Referral.status.in_(("sent", "rerouted"))
    stmt = (select(Referral.office_code, func.count(Referral.id),
                   func.sum(case((waiting, 1), else_=0)),
                   func.sum(case((waiting & (Referral.due_at < now), 1), else_=0)))
            .where(Referral.status.in_(OPEN_STATUSES)).group_by(Referral.office_code))
    rows: list[Any] = list(session.execute(visible(session, stmt, Referral, viewer)).all())  # type: ignore[arg-type]
    return [{"office": o, "open": int(n or 0), "waiting": int(w or 0), "breached": int(b or 0)}
            for o, n, w, b in sorted(rows, key=lambda r: (-(r[3] or 0), r[0]))]


# --- referral actions -------------------------------------------------------------------------------


def _referral(session: Session, viewer: Viewer, referral_id: str) -> Referral:
    return fetch_visible(session, Referral, referral_id, viewer)


def _may_act_for(viewer: Viewer, ref: Referral) -> None:
    if viewer.has_role(*TIPLINE):
        return
    if viewer.has_role(Role.SPECIAL_AGENT) and viewer.office_id and viewer.office_id == ref.owner_office_id:
        return
    raise Forbidden("only the receiving office, the tipline unit or a supervisor may act on this referral")


def _event(session: Session, viewer: Viewer, ref: Referral, action: str, note: str = "") -> None:
    session.add(ReferralEvent(referral_id=ref.id, action=action, office_code=ref.office_code, note=note[:500],
                              actor=viewer.username))


def accept(session: Session, viewer: Viewer, referral_id: str) -> Referral:
    ref = _referral(session, viewer, referral_id)
    _may_act_for(viewer, ref)
    if ref.status not in ("sent", "rerouted"):
        raise Conflict(f"a referral that is {ref.status} cannot be accepted")
    ref.status, ref.acted_at = "accepted", utcnow()
    _event(session, viewer, ref, "accepted")
    return ref


def decline(session: Session, viewer: Viewer, referral_id: str, reason: str) -> Referral:
    ref = _referral(session, viewer, referral_id)
    _may_act_for(viewer, ref)
    if not reason.strip():
        raise InvalidInput("say why the referral is declined")
    if ref.status not in ("sent", "rerouted"):
        raise Conflict(f"a referral that is {ref.status} cannot be declined")
    ref.status, ref.acted_at, ref.decline_reason = "declined", utcnow(), reason.strip()[:500]
    _event(session, viewer, ref, "declined", reason)
    return ref


def reroute(session: Session, viewer: Viewer, referral_id: str, office_code: str, reason: str) -> Referral:
    if not viewer.has_role(*TIPLINE):
        raise Forbidden("only the tipline unit or a supervisor re-routes referrals")
    ref = _referral(session, viewer, referral_id)
    _, office_ids = tstore.offices(session)
    if office_code not in office_ids:
        raise InvalidInput(f"unknown office {office_code!r}")
    if ref.status == "disposed":
        raise Conflict("a disposed referral cannot be re-routed")
    now = utcnow()
    ref.office_code, ref.owner_office_id = office_code, office_ids[office_code]
    ref.status, ref.sent_at, ref.due_at, ref.acted_at = "rerouted", now, now + SLA[ref.priority], None
    bundle = session.get(TipBundle, ref.bundle_id)
    if bundle is not None:
        bundle.office_code, bundle.owner_office_id = office_code, office_ids[office_code]
    _event(session, viewer, ref, "rerouted", reason or "re-routed")
    return ref


def dispose(session: Session, viewer: Viewer, referral_id: str, disposition: str, note: str = "") -> Referral:
    ref = _referral(session, viewer, referral_id)
    _may_act_for(viewer, ref)
    if disposition not in DISPOSITIONS:
        raise InvalidInput(f"disposition must be one of {', '.join(DISPOSITIONS)}")
    if ref.status != "accepted":
        raise Conflict("accept the referral before disposing of it")
    ref.status, ref.disposition, ref.disposition_note, ref.acted_at = "disposed", disposition, note[:500], utcnow()
    _event(session, viewer, ref, "disposed", f"{DISPOSITIONS[disposition]}. {note}".strip())
    return ref

