"""Who may see what: the ``Viewer`` and the markings every protected record carries.

The rule is written once here as a pure predicate (``can_see``) and once as SQL in
``pathways.store.policy``; a property test proves the two agree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Classification(enum.IntEnum):
    """Ordered: a viewer sees a record whose level is at or below its clearance."""

    UNCLASSIFIED = 0
    FOR_OFFICIAL_USE_ONLY = 1
    LAW_ENFORCEMENT_SENSITIVE = 2
    CONFIDENTIAL = 3
    SECRET = 4

    @property
    def label(self) -> str:
        return CLASSIFICATION_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Classification:
        wanted = text.strip().upper()
        for level, label in CLASSIFICATION_LABELS.items():
            if wanted in (label, level.name, label.split("//")[-1]):
                return level
        raise ValueError(f"unknown classification {text!r}")


CLASSIFICATION_LABELS = {
    Classification.UNCLASSIFIED: "UNCLASSIFIED",
    Classification.FOR_OFFICIAL_USE_ONLY: "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    Classification.LAW_ENFORCEMENT_SENSITIVE: "UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE",
    Classification.CONFIDENTIAL: "CONFIDENTIAL",
    Classification.SECRET: "SECRET",
}


class Caveat(enum.StrEnum):
    """Handling caveats: a viewer must hold every caveat a record carries."""

    VICTIM_IDENTITY = "VICTIM-IDENTITY"
    TIPSTER_IDENTITY = "TIPSTER-IDENTITY"


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    SPECIAL_AGENT = "special_agent"
    INTELLIGENCE_ANALYST = "intelligence_analyst"
    BORDER_OFFICER = "border_officer"
    TIPLINE_OPERATOR = "tipline_operator"
    RIGHTS_OWNER = "rights_owner"
    PARTNER = "partner"
    AUDITOR = "auditor"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.SUPERVISOR: "Supervisor",
    Role.SPECIAL_AGENT: "Special agent",
    Role.INTELLIGENCE_ANALYST: "Intelligence analyst",
    Role.BORDER_OFFICER: "Border officer / import specialist",
    Role.TIPLINE_OPERATOR: "Tipline operator",
    Role.RIGHTS_OWNER: "Rights owner",
    Role.PARTNER: "Partner",
    Role.AUDITOR: "Auditor",
    Role.PUBLIC: "Public",
}

# What each role brings by default; a user's own clearance and caveats can only be set by an admin.
ROLE_CLEARANCE = {
    Role.ADMIN: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.SUPERVISOR: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.SPECIAL_AGENT: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.INTELLIGENCE_ANALYST: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.BORDER_OFFICER: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.TIPLINE_OPERATOR: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.RIGHTS_OWNER: Classification.UNCLASSIFIED,
    Role.PARTNER: Classification.LAW_ENFORCEMENT_SENSITIVE,
    Role.AUDITOR: Classification.FOR_OFFICIAL_USE_ONLY,
    Role.PUBLIC: Classification.UNCLASSIFIED,
}
ROLE_CAVEATS = {
    Role.TIPLINE_OPERATOR: frozenset({Caveat.TIPSTER_IDENTITY}),
    Role.SPECIAL_AGENT: frozenset({Caveat.VICTIM_IDENTITY}),
}

PUBLIC = "PUBLIC"  # the releasability token that lets anyone, even the anonymous public, read a record


class OrgKind(enum.StrEnum):
    AGENCY = "agency"
    PARTNER_DOMESTIC = "partner_domestic"
    PARTNER_FOREIGN = "partner_foreign"  # a foreign vetted unit
    RIGHTS_OWNER = "rights_owner"


@dataclass(frozen=True)
class Markings:
    """What a record carries so policy can decide who sees it."""

    classification: Classification = Classification.LAW_ENFORCEMENT_SENSITIVE
    caveats: frozenset[str] = frozenset()
    owner_org_id: str | None = None
    owner_office_id: str | None = None
    compartments: frozenset[str] = frozenset()
    releasable_to: frozenset[str] = frozenset()  # organization ids, or PUBLIC

    def banner(self) -> str:
        """The marking line shown above a record, e.g. ``UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE//TIPSTER-IDENTITY``."""
        parts = [self.classification.label, *sorted(self.caveats), *sorted(self.compartments)]
        return "//".join(parts)


@dataclass(frozen=True)
class Viewer:
    """Everyone who reads or writes: a user, the CLI operator or the anonymous public."""

    user_id: str | None
    username: str
    org_id: str | None = None
    org_kind: OrgKind | None = None
    office_id: str | None = None
    roles: frozenset[Role] = frozenset()
    clearance: Classification = Classification.UNCLASSIFIED
    caveats: frozenset[str] = frozenset()
    compartments: frozenset[str] = frozenset()
    origin: str = "unknown"  # an IP address, or "cli"
    scopes: frozenset[str] | None = None  # set when acting through an API token
    agency_org_id: str | None = field(default=None, compare=False)

    @property
    def is_agency(self) -> bool:
        return self.org_kind == OrgKind.AGENCY

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def anonymous(origin: str = "unknown") -> Viewer:
    return Viewer(user_id=None, username="anonymous", roles=frozenset({Role.PUBLIC}), origin=origin)


def system_viewer(origin: str = "cli", agency_org_id: str | None = None) -> Viewer:
    """The operator at the command line: an administrator of the agency, audited as such."""
    return Viewer(
        user_id=None,
        username="system",
        org_id=agency_org_id,
        org_kind=OrgKind.AGENCY,
        roles=frozenset({Role.ADMIN}),
        clearance=Classification.SECRET,
        caveats=frozenset(Caveat),
        origin=origin,
        agency_org_id=agency_org_id,
    )


def _org_may_see(viewer: Viewer, m: Markings) -> bool:
    if PUBLIC in m.releasable_to:
        return True
    if viewer.org_id is None:
        return False
    if viewer.org_id == m.owner_org_id or viewer.org_id in m.releasable_to:
        return True
    # Agency staff see every agency record; partners see only their own and what is released to them.
    return viewer.is_agency and m.owner_org_id == viewer.agency_org_id


def clears(viewer: Viewer, m: Markings) -> bool:
    """Classification, caveats and compartments: the handling rules apart from ownership."""
    return (
        m.classification <= viewer.clearance
        and m.caveats <= viewer.caveats
        and m.compartments <= viewer.compartments
    )


def can_see(viewer: Viewer, m: Markings) -> bool:
    """The whole rule: ownership or release, and the handling rules."""
    return _org_may_see(viewer, m) and clears(viewer, m)


def gets_pointer(viewer: Viewer, m: Markings) -> bool:
    """Agency staff who may not read an agency record still learn it exists and whom to call."""
    return viewer.is_agency and not can_see(viewer, m) and m.owner_org_id == viewer.agency_org_id
