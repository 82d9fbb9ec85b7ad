"""Navigation entries: each pages module lists its own; the header shows those the viewer may open.

A pages module exports ``NAV = [NavItem(...)]`` next to its ``router``; ``mount_web`` collects them
in module order and sorts by ``order``. The dashboard's quick links are the same entries, so a page
gets both by declaring one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pathways.core.policy import Role, Viewer

# Agency staff: everyone who works inside the agency, as opposed to rights owners and partners.
AGENCY_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.SUPERVISOR,
        Role.SPECIAL_AGENT,
        Role.INTELLIGENCE_ANALYST,
        Role.BORDER_OFFICER,
        Role.TIPLINE_OPERATOR,
        Role.AUDITOR,
    }
)


@dataclass(frozen=True)
class NavItem:
    """One header link.

    ``roles`` None means every signed-in user; ``public`` also shows it to anonymous visitors.
    ``description`` is the one line the dashboard shows under the quick link (empty: not a quick link).
    """

    label: str
    path: str
    roles: frozenset[Role] | None = None
    public: bool = False
    description: str = ""
    order: int = 100

    def visible_to(self, viewer: Viewer) -> bool:
        if viewer.is_anonymous:
            return self.public
        return self.roles is None or viewer.has_role(*self.roles)

    def is_current(self, path: str) -> bool:
        if self.path == "/":
            return path == "/"
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


def visible(items: Iterable[NavItem], viewer: Viewer) -> list[NavItem]:
    return [item for item in items if item.visible_to(viewer)]


def roles(*names: Role) -> frozenset[Role]:
    return frozenset(names)
