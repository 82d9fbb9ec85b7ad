"""Property tests for the party normalizers: person and company names, addresses, dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.resolve.normalize import (
    company_key,
    fold,
    looks_like_company,
    normalize_address,
    normalize_company_name,
    normalize_date,
    normalize_person_name,
    parse_address,
    parse_person_name,
    person_name_key,
)
from pathways.world import names as N
from pathways.world.variants import to_cyrillic

ANY = st.text(max_size=60)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
# words a company name keeps as they are, first or inside (no abbreviation, no legal form: "PT" and "OOO"
# lead a name as its legal form)
PLAIN = WORD.filter(lambda w: normalize_company_name(f"xq {w} qx") == f"xq {w} qx"
                    and normalize_company_name(f"{w} xq qx") == f"{w} xq qx")
FIRST = st.sampled_from(N.US_FIRST + N.RU_FIRST + N.ES_FIRST)
LAST = st.sampled_from(N.US_LAST + N.RU_LAST + N.ES_LAST)


@settings(max_examples=300)
@given(ANY)
def test_any_text_is_handled_and_names_are_idempotent(text: str) -> None:
    for fn in (normalize_person_name, normalize_company_name):
        out = fn(text)
        if out is not None:
            assert out == fold(out)
            assert fn(out) == out, (fn.__name__, text, out)
    normalize_address(text)
    normalize_date(text)
    company_key(text)
    person_name_key(text)
    looks_like_company(text)


@given(FIRST, LAST)
def test_a_person_is_the_same_in_either_order_case_and_with_a_comma(first: str, last: str) -> None:
    canonical = normalize_person_name(f"{first} {last}")
    assert normalize_person_name(f"{last}, {first}") == canonical
    assert normalize_person_name(f"{last.upper()} {first}") == canonical
    assert normalize_person_name(f"{first} {last}".upper()) == canonical
    assert person_name_key(f"{last} {first}") == person_name_key(f"{first} {last}")


@given(FIRST, FIRST, LAST)
def test_a_middle_name_becomes_an_initial_only_when_written_as_one(first: str, middle: str, last: str) -> None:
    name = parse_person_name(f"{last}, {first} {middle[0]}.")
    assert name is not None and name.middle == middle[0].lower()
    assert name.last == fold(last)


def test_nicknames_and_transliterations_meet_the_canonical_name() -> None:
    assert normalize_person_name("Bob Smith") == normalize_person_name("Robert Smith") == "robert smith"
    assert normalize_person_name("Sergey Ivanoff") == normalize_person_name("Sergei Ivanov")
    assert normalize_person_name(to_cyrillic("Sergei Ivanov")) == "sergei ivanov"


@given(st.lists(PLAIN, min_size=1, max_size=3), st.sampled_from(
    ["Co., Ltd.", "Company Limited", "CO LTD", "LLC", "L.L.C.", "Inc.", "GmbH", "S.A. de C.V.", "S.r.l.", "Pvt. Ltd.",
     "Ltd. Sti.", "K.K.", "B.V.", "AB", ""]))
def test_legal_forms_do_not_change_a_company(words: list[str], form: str) -> None:
    base = " ".join(w.capitalize() for w in words) + " Trading"
    assert normalize_company_name(f"{base} {form}") == normalize_company_name(base)
    if form:
        assert looks_like_company(f"{base} {form}")


@given(st.lists(PLAIN, min_size=1, max_size=3))
def test_trade_abbreviations_and_spacing_meet(words: list[str]) -> None:
    base = " ".join(w.capitalize() for w in words)
    assert normalize_company_name(f"{base} Trdg Co") == normalize_company_name(f"{base} TRADING COMPANY")
    assert normalize_company_name(f"{base} Imp & Exp") == normalize_company_name(f"{base} Import and Export")
    assert normalize_company_name(f"{base} Intl") == normalize_company_name(f"{base} International")
    joined = "".join(w.capitalize() for w in words)  # pinyin spacing: Hua Xin / Huaxin
    assert company_key(f"{joined} Intl") == company_key(f"{base} Intl")


STREET_TYPES = st.sampled_from([("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Parkway", "Pkwy"),
                                ("Lane", "Ln"), ("Drive", "Dr"), ("Boulevard", "Blvd")])


@given(st.integers(1, 99999), st.sampled_from(N.STREETS), STREET_TYPES, st.integers(1, 999),
       st.sampled_from(["Hillsboro", "Glendale", "Webber", "San Pedro"]), st.sampled_from(["OR", "CA", "KS"]),
       st.integers(10000, 99999))
def test_us_address_variants_share_their_street(number: int, street: str, kinds: tuple[str, str], unit: int,
                                                 city: str, state: str, zip5: int) -> None:
    long_form = f"{number} {street} {kinds[0]}, Suite {unit}, {city}, {state} {zip5}"
    short = f"{number} {street.upper()} {kinds[1].upper()} {city.upper()} {state} {zip5}"
    a, b = parse_address(long_form), parse_address(short)
    assert a is not None and b is not None
    assert a.street == b.street and a.postcode == b.postcode == str(zip5)
    assert a.city == fold(city) and a.unit == f"ste {unit}"
    assert normalize_address(long_form) == normalize_address(long_form.upper())


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_dates_in_every_written_form_become_iso(day: dt.date) -> None:
    iso = day.isoformat()
    for text in (iso, day.strftime("%m/%d/%Y"), day.strftime("%d.%m.%Y"), day.strftime("%d %b %Y"),
                 day.strftime("%B %d, %Y"), day.strftime("%Y%m%d")):
        assert normalize_date(text) == iso, text


def test_impossible_dates_are_refused() -> None:
    assert normalize_date("2023-02-30") is None
    assert normalize_date("13/45/1990") is None
    assert normalize_date("soon") is None
