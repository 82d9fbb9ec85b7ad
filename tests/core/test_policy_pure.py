"""The pure visibility rule, stated as what a user would notice."""

from __future__ import annotations

from pathways.core.policy import (
    PUBLIC,
    Caveat,
    Classification,
    Markings,
    OrgKind,
    Role,
    Viewer,
    anonymous,
    can_see,
    gets_pointer,
)

AGENCY, PARTNER = "org-agency", "org-partner"


def agent(**kw: object) -> Viewer:
    base = dict(user_id="u1", username="agent", org_id=AGENCY, org_kind=OrgKind.AGENCY,
                roles=frozenset({Role.SPECIAL_AGENT}), clearance=Classification.LAW_ENFORCEMENT_SENSITIVE,
                agency_org_id=AGENCY)
    base.update(kw)
    return Viewer(**base)  # type: ignore[arg-type]


def test_agency_staff_read_agency_records_up_to_their_clearance() -> None:
    les = Markings(Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=AGENCY)
    secret = Markings(Classification.SECRET, owner_org_id=AGENCY)
    assert can_see(agent(), les)
    assert not can_see(agent(), secret)
    assert gets_pointer(agent(), secret)


def test_tipster_identity_needs_the_caveat() -> None:
    tip = Markings(caveats=frozenset({Caveat.TIPSTER_IDENTITY}), owner_org_id=AGENCY)
    assert not can_see(agent(), tip)
    assert can_see(agent(caveats=frozenset({Caveat.TIPSTER_IDENTITY})), tip)


def test_partner_sees_only_its_own_and_released_records() -> None:
    partner = Viewer("u2", "p", org_id=PARTNER, org_kind=OrgKind.PARTNER_DOMESTIC,
                     clearance=Classification.LAW_ENFORCEMENT_SENSITIVE, agency_org_id=AGENCY)
    agency_record = Markings(owner_org_id=AGENCY)
    assert not can_see(partner, agency_record)
    assert not gets_pointer(partner, agency_record)  # partners never learn of agency records this way
    assert can_see(partner, Markings(owner_org_id=AGENCY, releasable_to=frozenset({PARTNER})))


def test_anonymous_public_sees_only_public_unclassified_records() -> None:
    public = Markings(Classification.UNCLASSIFIED, owner_org_id=AGENCY, releasable_to=frozenset({PUBLIC}))
    assert can_see(anonymous(), public)
    assert not can_see(anonymous(), Markings(Classification.UNCLASSIFIED, owner_org_id=AGENCY))
    marked_public = Markings(Classification.LAW_ENFORCEMENT_SENSITIVE, owner_org_id=AGENCY,
                             releasable_to=frozenset({PUBLIC}))
    assert not can_see(anonymous(), marked_public)


def test_compartments_must_all_be_held() -> None:
    rec = Markings(owner_org_id=AGENCY, compartments=frozenset({"OP-A", "OP-B"}))
    assert not can_see(agent(compartments=frozenset({"OP-A"})), rec)
    assert can_see(agent(compartments=frozenset({"OP-A", "OP-B"})), rec)


def test_banner_reads_like_a_marking_line() -> None:
    m = Markings(caveats=frozenset({Caveat.TIPSTER_IDENTITY}), compartments=frozenset({"OP-A"}))
    assert m.banner() == "UNCLASSIFIED//LAW ENFORCEMENT SENSITIVE//TIPSTER-IDENTITY//OP-A"


def test_classification_parses_labels_and_names() -> None:
    assert Classification.parse("unclassified//law enforcement sensitive") is Classification.LAW_ENFORCEMENT_SENSITIVE
    assert Classification.parse("SECRET") is Classification.SECRET
    assert Classification.parse("LAW ENFORCEMENT SENSITIVE") is Classification.LAW_ENFORCEMENT_SENSITIVE
