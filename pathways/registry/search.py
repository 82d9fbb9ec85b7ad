"""IPR search: keyword and field search for everyone, similar-mark search for agency staff.

Both read through ``store.policy.visible``: the anonymous public finds only what is released to
PUBLIC (active and expired recordations), a rights owner also its own pending ones, the agency all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from pathways.core.errors import Forbidden, InvalidInput
from pathways.core.policy import Viewer
from pathways.registry.models import Kind, Recordation, Status
from pathways.registry.normalize import fold
from pathways.registry.similar import Hit, index_for
from pathways.store.policy import visible

MAX_SIMILAR = 500  # hits fetched from the database at most; pages come out of these


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    similar: bool = False
    mark: str | None = None
    owner: str | None = None
    country: str | None = None
    class_number: int | None = None
    status: str | None = None
    kind: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass
class SearchHit:
    recordation: Recordation
    score: float | None = None
    reasons: tuple[str, ...] = ()


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    similar: bool
    query: SearchQuery = field(default_factory=SearchQuery)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(stmt: Select[Any], query: SearchQuery) -> Select[Any]:
    if query.status:
        if query.status not in Status.ALL:
            raise InvalidInput(f"status must be one of {', '.join(Status.ALL)}")
        stmt = stmt.where(Recordation.status == query.status)
    if query.kind:
        if query.kind not in Kind.ALL:
            raise InvalidInput(f"kind must be one of {', '.join(Kind.ALL)}")
        stmt = stmt.where(Recordation.kind == query.kind)
    if query.country:
        stmt = stmt.where(Recordation.owner_country == query.country.strip().upper())
    if query.class_number is not None:
        stmt = stmt.where(Recordation.class_tokens.contains(f"|{int(query.class_number)}|"))
    if query.owner and query.owner.strip():
        stmt = stmt.where(func.upper(Recordation.owner_name).like(_like(query.owner.strip().upper()), escape="\\"))
    if query.mark and fold(query.mark):
        stmt = stmt.where(Recordation.mark_folded.like(_like(fold(query.mark)), escape="\\"))
    return stmt


def _keyword(term: str):  # type: ignore[no-untyped-def]
    folded, upper = fold(term), term.strip().upper()
    options = [
        func.upper(Recordation.owner_name).like(_like(upper), escape="\\"),
        Recordation.record_number == upper,
        Recordation.registration_number == term.strip(),
    ]
    if folded:
        options.append(Recordation.mark_folded.like(_like(folded), escape="\\"))
    return or_(*options)


def search(session: Session, viewer: Viewer, query: SearchQuery) -> SearchResult:
    if query.similar:
        return similar_search(session, viewer, query)
    stmt = _filters(select(Recordation), query)
    whole = query.q.strip()
    if whole:
        # A record number is one term; otherwise every word must match somewhere.
        terms = [whole] if whole.upper().startswith(tuple(Kind.PREFIX.values())) and any(
            ch.isdigit() for ch in whole) else whole.split()
        for term in terms:
            stmt = stmt.where(_keyword(term))
    stmt = visible(session, stmt, Recordation, viewer)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    exact = fold(whole) if whole else ""
    order = [case((Recordation.mark_folded == exact, 0), else_=1), Recordation.mark, Recordation.record_number] \
        if exact else [Recordation.mark, Recordation.record_number]
    rows = session.execute(stmt.order_by(*order).limit(query.limit).offset(query.offset)).scalars().all()
    return SearchResult([SearchHit(r) for r in rows], int(total), False, query)


def similar_search(session: Session, viewer: Viewer, query: SearchQuery) -> SearchResult:
    """Marks identical or confusingly similar to ``query.q``, best first, each with its reasons."""
    if not viewer.is_agency:
        raise Forbidden("similar-mark search is for agency staff; use keyword search")
    text = (query.q or query.mark or "").strip()
    if not fold(text):
        raise InvalidInput("give a mark to search for (at least one letter or digit)")
    hits = index_for(session).search(text, limit=MAX_SIMILAR)
    if not hits:
        return SearchResult([], 0, True, query)
    by_id: dict[str, Hit] = {h.id: h for h in hits}
    stmt = _filters(select(Recordation).where(Recordation.id.in_(list(by_id))), replace(query, mark=None))
    rows = session.execute(visible(session, stmt, Recordation, viewer)).scalars().all()
    ranked = sorted(rows, key=lambda r: (-by_id[r.id].score, r.mark, r.record_number))
    page = ranked[query.offset : query.offset + query.limit]
    return SearchResult([SearchHit(r, by_id[r.id].score, by_id[r.id].reasons) for r in page], len(ranked), True, query)
