"""Human record numbers (``TMK 26-00001``, ``SZ 26-000123``): one counter row per prefix and year."""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from pathways.core.clock import utcnow
from pathways.core.ids import human_number
from pathways.store.base import Base


class RecordNumberCounter(Base):
    """The last sequence number given out per prefix and year (``TMK`` 2026 -> 17)."""

    __tablename__ = "record_number_counters"

    prefix: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("prefix", "year", name="prefix_year"),)


def allocate_numbers(
    session: Session, prefix: str, count: int = 1, year: int | None = None, width: int = 5
) -> list[str]:
    """The next ``count`` numbers for a prefix and year, safe under concurrency.

    The counter row is locked (PostgreSQL ``FOR UPDATE``; SQLite writers already hold the database
    lock from ``BEGIN IMMEDIATE``) until the caller's transaction ends; a counter created by two
    writers at once is settled by its unique constraint.
    """
    year = year or utcnow().year
    stmt = select(RecordNumberCounter).where(RecordNumberCounter.prefix == prefix, RecordNumberCounter.year == year)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    counter = session.execute(stmt).scalar_one_or_none()
    if counter is None:
        try:
            with session.begin_nested():
                counter = RecordNumberCounter(prefix=prefix, year=year, last=0)
                session.add(counter)
        except IntegrityError:  # another writer created it first; wait for its lock
            counter = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    first = counter.last + 1
    counter.last = counter.last + count
    session.flush()
    return [human_number(prefix, year, n, width=width) for n in range(first, first + count)]
