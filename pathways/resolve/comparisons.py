"""The Splink models, one per kind of party: which fields are compared, at which levels, in which words.

Every level carries the words the explanation of a match uses (``same date of birth``, ``different city``),
so a supervisor reads the evidence and its weight. Strong identifiers (e-mail, E.164 phone, a tax or
registration number) agree almost only for the same party, so EM learns near-certain weights for them.
An address shared by many different names (a freight forwarder's, a registered agent's) is compared at a
level with no weight: it says nothing about who is who.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.comparison_creator import ComparisonCreator

from pathways.resolve.blocking import prediction_rules

KINDS = ("person", "organization", "address")


def _levels(name: str, *levels: Any) -> ComparisonCreator:
    return cl.CustomComparison(output_column_name=name, comparison_levels=list(levels))


def _null(column: str, what: str) -> Any:
    return cll.NullLevel(column).configure(label_for_charts=f"no {what} on one side")


# Starting m and u probabilities. Training replaces them wherever the data has pairs at the level, so
# they only speak for a level a small file never shows (a shared e-mail still counts as near-certain).
AGREE, CLOSE, DIFFER, STRONG_U = (0.7, 0.005), (0.15, 0.02), (0.1, 0.9), 1e-6


def _exact(column: str, label: str, tf: bool = False, u: float = AGREE[1]) -> Any:
    level = cll.ExactMatchLevel(column).configure(label_for_charts=label, m_probability=AGREE[0], u_probability=u)
    if tf:
        return level.configure(tf_adjustment_column=column, tf_adjustment_weight=1.0)
    return level


def _jw(column: str, threshold: float, what: str) -> Any:
    return cll.JaroWinklerLevel(column, threshold).configure(
        label_for_charts=f"{what} Jaro-Winkler ≥ {threshold}", m_probability=CLOSE[0], u_probability=CLOSE[1])


class _GuardedEdits(cll.DamerauLevenshteinLevel):
    """Edit distance, computed only when the lengths allow it: most random pairs differ in length, and
    edit distance on two long company names is the costliest comparison of a training run."""

    def create_sql(self, sql_dialect: Any) -> str:
        self.col_expression.sql_dialect = sql_dialect
        col = self.col_expression
        guard = f"abs(length({col.name_l}) - length({col.name_r})) <= {self.distance_threshold}"
        return f"{guard} AND {super().create_sql(sql_dialect)}"


def _edits(column: str, distance: int, label: str) -> Any:
    return _GuardedEdits(column, distance).configure(
        label_for_charts=label, m_probability=CLOSE[0], u_probability=CLOSE[1])


def _sql(condition: str, label: str, start: tuple[float, float] = CLOSE) -> Any:
    return cll.CustomLevel(condition, label_for_charts=label).configure(m_probability=start[0],
                                                                       u_probability=start[1])


def _else(label: str, m: float = DIFFER[0]) -> Any:
    return cll.ElseLevel().configure(label_for_charts=label, m_probability=m, u_probability=DIFFER[1])


def _identifier(column: str, what: str) -> ComparisonCreator:
    return _levels(column.removesuffix("_n"), _null(column, what), _exact(column, f"same {what}", u=STRONG_U),
                   _else(f"different {what}"))


def _country() -> ComparisonCreator:
    return _levels("country", _null("country_n", "country"), _exact("country_n", "same country", u=0.3),
                   _else("different country"))


def _party_address() -> ComparisonCreator:
    common = cll.CustomLevel("address_common_l = 1 OR address_common_r = 1").configure(
        label_for_charts="address shared by many parties", is_null_level=True)
    return _levels(
        "address", _null("street_n", "address"), common,
        _sql("street_n_l = street_n_r AND (postcode_n_l = postcode_n_r OR city_n_l = city_n_r "
             "OR postcode_n_l IS NULL OR postcode_n_r IS NULL)", "same street address", AGREE),
        _jw("street_n", 0.9, "street address"),
        _sql("postcode_n_l = postcode_n_r", "same postcode"),
        _sql("city_n_l = city_n_r", "same city"),
        _else("different address"),
    )


def _person(tf: bool) -> list[ComparisonCreator]:
    # The order-free key leaves initials out, so "R. Johnson" and "D. Johnson" share it: only names whose
    # given names are both written out can be the same words in another order.
    swapped = "name_key_l = name_key_r AND length(first_n_l) > 1 AND length(first_n_r) > 1"
    return [
        _levels("given_name", _null("first_n", "given name"), _exact("first_n", "same given name", tf=tf),
                _sql(swapped, "same name words in another order"),
                _sql("(length(first_n_l) = 1 OR length(first_n_r) = 1) AND substr(first_n_l, 1, 1) = "
                     "substr(first_n_r, 1, 1)", "given name initial agrees"),
                _jw("first_n", 0.9, "given name"), _else("different given name")),
        _levels("middle_initial", _null("middle_n", "middle initial"), _exact("middle_n", "same middle initial"),
                _else("different middle initial")),
        _levels("family_name", _null("last_n", "family name"), _exact("last_n", "same family name", tf=tf),
                _sql(swapped, "same name words in another order"), _jw("last_n", 0.92, "family name"),
                # a typo in a short family name (Ali / Qli) leaves Jaro-Winkler low but one letter apart
                _edits("last_n", 1, "family name one letter apart"),
                _sql("last_sound_l = last_sound_r", "family name sounds the same"),
                _jw("last_n", 0.8, "family name"), _else("different family name")),
        _levels("dob", _null("dob_n", "date of birth"), _exact("dob_n", "same date of birth", u=1e-4),
                _edits("dob_n", 1, "date of birth one digit apart"),
                _else("different date of birth", m=0.02)),
        _identifier("email_n", "e-mail"), _identifier("phone_n", "phone"), _identifier("identifier_n", "identifier"),
        _party_address(), _country(),
    ]


def _organization(tf: bool) -> list[ComparisonCreator]:
    return [
        _levels("name", _null("name_key", "name"), _exact("name_key", "same name", tf=tf),
                _edits("name_key", 1, "name one letter apart"), _edits("name_key", 2, "name two letters apart"),
                _jw("name_key", 0.9, "name"), _else("different name")),
        _identifier("email_n", "e-mail"), _identifier("phone_n", "phone"), _identifier("identifier_n", "identifier"),
        _party_address(), _country(),
    ]


def _address(tf: bool) -> list[ComparisonCreator]:
    return [
        _levels("street", _null("street_n", "street"), _exact("street_n", "same street", tf=tf),
                _jw("street_n", 0.95, "street"), _jw("street_n", 0.85, "street"), _else("different street")),
        _levels("unit", _null("unit_n", "unit"), _exact("unit_n", "same unit"), _else("different unit")),
        _levels("postcode", _null("postcode_n", "postcode"), _exact("postcode_n", "same postcode"),
                _else("different postcode")),
        _levels("city", _null("city_n", "city"), _exact("city_n", "same city"), _jw("city_n", 0.9, "city"),
                _else("different city")),
        _country(),
    ]


_COMPARISONS = {"person": _person, "organization": _organization, "address": _address}

# The levels at which two names are the same name, written alike or with a slip: only such pairs may be
# joined by the company they keep (``company``). Members of one ring keep the same company and often share
# a phone or an address; it is the agreeing name that makes them one person.
NAMES_AGREE: dict[str, dict[str, frozenset[str]]] = {
    "person": {"given_name": frozenset({"same given name", "same name words in another order",
                                        "given name Jaro-Winkler ≥ 0.9"}),
               "family_name": frozenset({"same family name", "same name words in another order",
                                         "family name Jaro-Winkler ≥ 0.92", "family name one letter apart"})},
    "organization": {"name": frozenset({"same name", "name one letter apart", "name two letters apart",
                                        "name Jaro-Winkler ≥ 0.9"})},
}


def settings_for(kind: str, link_only: bool = False, term_frequencies: bool = True) -> SettingsCreator:
    """The untrained model of ``kind``: its comparisons and the blocking rules that make its candidates.

    Without ``term_frequencies`` (a file too small for frequencies to mean anything) a common name counts
    as much as a rare one."""
    comparisons = _COMPARISONS[kind](term_frequencies)
    return SettingsCreator(
        # The starting prior; training estimates it. In a small untrained file a name alone stays below
        # the threshold (review), a name with an address or date of birth is a match.
        probability_two_random_records_match=1e-4 if term_frequencies else 3e-4,
        link_type="link_only" if link_only else "dedupe_only",
        unique_id_column_name="id",
        comparisons=list[Any](comparisons),
        blocking_rules_to_generate_predictions=list[Any](prediction_rules(kind)),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=15,
        em_convergence=0.001,
    )
