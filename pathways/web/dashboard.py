"""Home-page cards: each pages module may export ``dashboard(session, viewer) -> list[DashboardCard]``.

A provider returns only the cards its viewer may see and that have something to say; the home page
shows them sorted by ``order``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DashboardCard:
    title: str
    value: int | str
    href: str | None = None
    note: str = ""
    order: int = 100
