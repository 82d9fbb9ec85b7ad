import json
from pathlib import Path

import pytest
import zipcodes
from hypothesis import given
from hypothesis import strategies as st

from pathways.identity.offices_file import (
    DEFAULT_PATH,
    US_STATES,
    load_offices,
    normalize_county,
    office_for_country,
    office_for_us_location,
    state_counties,
)


@pytest.fixture(scope="module")
def offices():
    return load_offices()


def _raw() -> dict:
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    p = tmp_path / "offices.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_shipped_file_is_valid_and_sized(offices):
    kinds = [o.kind for o in offices]
    assert 25 <= kinds.count("field_office") <= 35
    assert 15 <= kinds.count("attache_office") <= 20
    assert kinds.count("hq_triage") == 1


def test_every_state_and_territory_has_an_office(offices):
    for state in US_STATES:
        assert office_for_us_location(offices, state).startswith("SAC-")


def test_split_states_route_by_county(offices):
    assert office_for_us_location(offices, "TX", "Harris County") == "SAC-HOU"
    assert office_for_us_location(offices, "tx", "harris") == "SAC-HOU"
    assert office_for_us_location(offices, "Texas", "El Paso County") == "SAC-ELP"
    assert office_for_us_location(offices, "TX", "Dallas") == "SAC-DAL"
    assert office_for_us_location(offices, "TX", "Bexar County") == "SAC-SNA"
    assert office_for_us_location(offices, "CA", "San Diego County") == "SAC-SND"
    assert office_for_us_location(offices, "CA", "Los Angeles County") == "SAC-LAX"
    assert office_for_us_location(offices, "CA", "Alameda County") == "SAC-SFR"
    assert office_for_us_location(offices, "NY", "Erie County") == "SAC-BUF"
    assert office_for_us_location(offices, "NY", "Kings County") == "SAC-NYC"
    # both of zipcodes' spellings of one county reach the same office
    assert office_for_us_location(offices, "NY", "St Lawrence County") == office_for_us_location(
        offices, "NY", "St. Lawrence County"
    )


def test_fallbacks(offices):
    assert office_for_us_location(offices, "TX") == "SAC-HOU"  # main office of a split state
    assert office_for_us_location(offices, "TX", "Nowhere County") == "SAC-HOU"
    assert office_for_us_location(offices, "GA", "Fulton County") == "SAC-ATL"
    assert office_for_us_location(offices, "AE") == "HQ-TRIAGE"  # military mail has no AOR
    assert office_for_us_location(offices, "Puerto Rico") == "SAC-SJU"


def test_every_zip_routes_to_an_office_that_lists_its_state(offices):
    by_code = {o.code: o for o in offices}
    for row in zipcodes.list_all():
        if row["state"] not in US_STATES:
            continue
        code = office_for_us_location(offices, row["state"], row["county"] or None)
        assert row["state"] in {e.state for e in by_code[code].aor}


def test_countries(offices):
    cn, hk = office_for_country(offices, "CN"), office_for_country(offices, "hk")
    assert cn and hk
    assert office_for_country(offices, "MX") == "ATT-MEX"
    assert office_for_country(offices, "AQ") is None


def test_duplicate_county_is_a_clear_error(tmp_path):
    data = _raw()
    dallas = next(o for o in data["offices"] if o["code"] == "SAC-DAL")
    tx = next(e for e in dallas["aor"] if e["state"] == "TX")
    tx["counties"].append("Harris County")
    with pytest.raises(ValueError, match=r"Harris County.*listed twice.*SAC-(HOU|DAL).*SAC-(HOU|DAL)"):
        load_offices(_write(tmp_path, data))


def test_missing_county_is_a_clear_error(tmp_path):
    data = _raw()
    hou = next(o for o in data["offices"] if o["code"] == "SAC-HOU")
    tx = next(e for e in hou["aor"] if e["state"] == "TX")
    tx["counties"].remove("Harris County")
    with pytest.raises(ValueError, match=r"TX.*Harris County"):
        load_offices(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["offices"].append(dict(d["offices"][0])), "used twice"),
        (lambda d: d["offices"][0]["aor"].append({"state": "OH"}), "OH is in both"),
        (lambda d: d["offices"][0]["aor"].append({"state": "ZZ"}), "unknown state"),
        (lambda d: d["offices"].__setitem__(0, {**d["offices"][0], "aor": []}), "needs an 'aor'"),
        (lambda d: d["offices"][-2]["countries"].append("XX"), "not an ISO"),
        (lambda d: d["offices"][-2]["countries"].append("MX"), "MX is in both"),
    ],
)
def test_broken_files(tmp_path, mutate, message):
    data = _raw()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        load_offices(_write(tmp_path, data))


def test_uncovered_state_is_named(tmp_path):
    data = _raw()
    for o in data["offices"]:
        o["aor"] = [e for e in o.get("aor", []) if e["state"] != "WY"] or o.get("aor")
    with pytest.raises(ValueError, match="no field office covers WY"):
        load_offices(_write(tmp_path, data))


def test_two_mains_is_an_error(tmp_path):
    data = _raw()
    dal = next(o for o in data["offices"] if o["code"] == "SAC-DAL")
    next(e for e in dal["aor"] if e["state"] == "TX")["main"] = True
    with pytest.raises(ValueError, match="exactly one main office"):
        load_offices(_write(tmp_path, data))


@given(st.sampled_from(sorted(state_counties("TX").values())), st.sampled_from(["upper", "lower", "bare"]))
def test_county_normaliser_ignores_case_and_suffix(county, form):
    variant = {"upper": county.upper(), "lower": county.lower(), "bare": county.replace(" County", "")}[form]
    assert normalize_county(variant) == normalize_county(county)


@given(st.text(max_size=30))
def test_county_normaliser_is_idempotent_and_total(text):
    key = normalize_county(text)
    assert normalize_county(key) == key
