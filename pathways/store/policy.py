"""The one place visibility is applied to queries: every module filters through ``visible`` and ``fetch``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, event, not_, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from pathways.core.errors import InvalidInput, NotFound
from pathways.core.policy import PUBLIC, Caveat, Viewer, can_see, gets_pointer
from pathways.store.audit import record_event
from pathways.store.base import Base, Marked, decode_tokens

M = TypeVar("M", bound=Base)


class Compartment(Base):
    """A named compartment (an operation, a sensitive programme); records may only carry known ones."""

    __tablename__ = "compartments"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(400), default="")


def known_compartments(session: Session) -> frozenset[str]:
    return frozenset(session.execute(select(Compartment.name)).scalars())


def _lacks_all(column: Any, tokens: frozenset[str]) -> ColumnElement[bool]:
    if not tokens:
        return true()
    return and_(*[not_(column.contains(f"|{t}|", autoescape=True)) for t in sorted(tokens)])


def clears_clause(model: type[Marked], viewer: Viewer, compartments: frozenset[str]) -> ColumnElement[bool]:
    """Classification, caveats and compartments (see ``core.policy.clears``)."""
    all_caveats = frozenset(c.value for c in Caveat)
    return and_(
        model.classification <= int(viewer.clearance),
        _lacks_all(model.caveats, all_caveats - viewer.caveats),
        _lacks_all(model.compartments, compartments - viewer.compartments),
    )


def org_clause(model: type[Marked], viewer: Viewer) -> ColumnElement[bool]:
    """Ownership and release (see ``core.policy._org_may_see``)."""
    options: list[ColumnElement[bool]] = [model.releasable_to.contains(f"|{PUBLIC}|", autoescape=True)]
    if viewer.org_id is not None:
        options.append(model.owner_org_id == viewer.org_id)
        options.append(model.releasable_to.contains(f"|{viewer.org_id}|", autoescape=True))
        if viewer.is_agency and viewer.agency_org_id is not None:
            options.append(model.owner_org_id == viewer.agency_org_id)
    return or_(*options)


def visibility_clause(session: Session, model: type[Marked], viewer: Viewer) -> ColumnElement[bool]:
    compartments = known_compartments(session)
    return and_(org_clause(model, viewer), clears_clause(model, viewer, compartments))


def visible(session: Session, stmt: Select[Any], model: type[Marked], viewer: Viewer) -> Select[Any]:
    """Filter any select over a marked model to what the viewer may see."""
    return stmt.where(visibility_clause(session, model, viewer))


def is_protected(obj: Any) -> bool:
    """Reads of anything above plain UNCLASSIFIED, or with caveats or compartments, are audited."""
    return isinstance(obj, Marked) and obj.protected


@dataclass(frozen=True)
class Pointer:
    """What a viewer learns of a record it may not read: that it exists and whom to contact."""

    object_type: str
    object_id: str
    owner_org_id: str | None
    owner_office_id: str | None

    @property
    def message(self) -> str:
        return "A record exists that you may not read; contact its owning office."


def fetch(
    session: Session, model: type[M], object_id: str, viewer: Viewer, *, pointer_ok: bool = False
) -> M | Pointer:
    """One record by id, if the viewer may see it (the read is audited), else a pointer or NotFound."""
    obj = session.get(model, object_id)
    if obj is None:
        raise NotFound(f"{model.__tablename__} {object_id} not found")
    if not isinstance(obj, Marked):
        return obj
    markings = obj.markings
    if can_see(viewer, markings):
        if is_protected(obj):
            record_event(session, "read", model.__tablename__, object_id)
        return obj
    if pointer_ok and gets_pointer(viewer, markings):
        record_event(session, "pointer", model.__tablename__, object_id)
        return Pointer(model.__tablename__, object_id, markings.owner_org_id, markings.owner_office_id)
    raise NotFound(f"{model.__tablename__} {object_id} not found")


def fetch_visible(session: Session, model: type[M], object_id: str, viewer: Viewer) -> M:
    """Like ``fetch`` for callers that have no use for a pointer."""
    obj = fetch(session, model, object_id, viewer)
    assert not isinstance(obj, Pointer)
    return obj


def check_compartments(session: Session, names: frozenset[str]) -> None:
    unknown = names - known_compartments(session)
    if unknown:
        raise InvalidInput(f"unknown compartment(s): {', '.join(sorted(unknown))}")


@event.listens_for(Session, "before_flush")
def _only_known_compartments(session: Session, _ctx: Any, _instances: Any) -> None:
    # The SQL filter can only exclude compartments it knows of, so an unknown one must never be stored.
    used: set[str] = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Marked):
            used |= decode_tokens(obj.compartments)
    if used:
        with session.no_autoflush:
            check_compartments(session, frozenset(used))
