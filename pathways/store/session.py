"""Units of work: a session bound to the viewer it acts for, committed whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from pathways.core.policy import Viewer
from pathways.store.audit import bind_viewer
from pathways.store.engine import session_factory


@contextmanager
def unit_of_work(viewer: Viewer, *, readonly: bool = False) -> Iterator[Session]:
    """Every write in the block is audited under ``viewer``; an exception rolls all of it back."""
    session = session_factory(readonly=readonly)()
    bind_viewer(session, viewer)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
