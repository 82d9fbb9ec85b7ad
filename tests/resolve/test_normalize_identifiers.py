"""Property tests for the shared identifier normalizers: idempotent, canonical, never crash, validate."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.resolve.normalize import (
    normalize_btc,
    normalize_country,
    normalize_domain,
    normalize_email,
    normalize_eth,
    normalize_ip,
    normalize_phone,
    normalize_plate,
    normalize_url,
    normalize_username,
    normalize_vessel,
    normalize_zip,
    us_zip_place,
)
from pathways.world.identifiers import base58check, bech32_segwit_v0

ANY = st.text(max_size=80)
NORMALIZERS = [normalize_btc, normalize_country, normalize_domain, normalize_email, normalize_eth, normalize_ip,
               normalize_phone, normalize_plate, normalize_url, normalize_username, normalize_vessel, normalize_zip]


@settings(max_examples=300)
@given(ANY)
def test_every_normalizer_takes_any_text_without_crashing_and_is_idempotent(text: str) -> None:
    for fn in NORMALIZERS:
        out = fn(text)  # type: ignore[operator]
        if out is not None and fn not in (normalize_country, normalize_zip):
            assert fn(out) == out, (fn.__name__, text, out)  # type: ignore[operator]


@given(st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True), st.sampled_from(
    ["({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}", "1{a}{b}{c}"]))
def test_us_phones_written_any_way_meet_on_one_e164(digits: str, style: str) -> None:
    written = style.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    out = normalize_phone(written, "US")
    if out is not None:
        assert out == "+1" + digits
        assert normalize_phone(out, "MX") == out  # a number with + keeps its own country


def test_the_default_region_decides_a_national_number() -> None:
    assert normalize_phone("(713) 555-0142", "US") == "+17135550142"
    assert normalize_phone("81 7348 2325", "MX") == "+528173482325"
    assert normalize_phone("12", "US") is None


@given(st.binary(min_size=20, max_size=20), st.sampled_from([0x00, 0x05]))
def test_valid_base58check_addresses_pass_and_a_changed_character_fails(payload: bytes, version: int) -> None:
    addr = base58check(bytes([version]) + payload)
    assert normalize_btc(addr) == addr
    i = len(addr) // 2
    swapped = addr[:i] + ("2" if addr[i] != "2" else "3") + addr[i + 1:]
    assert normalize_btc(swapped) is None


@given(st.binary(min_size=20, max_size=20))
def test_valid_bech32_addresses_pass_in_either_case(program: bytes) -> None:
    addr = bech32_segwit_v0(program)
    assert normalize_btc(addr) == addr
    assert normalize_btc(addr.upper()) == addr
    assert normalize_btc(addr[:-1] + ("q" if addr[-1] != "q" else "p")) is None


@given(st.binary(min_size=20, max_size=20))
def test_eth_addresses_lower_case_and_need_forty_hex_digits(raw: bytes) -> None:
    addr = "0x" + raw.hex().upper()
    assert normalize_eth(addr) == addr.lower()
    assert normalize_eth(addr[:-1]) is None


def test_emails_urls_domains_ips() -> None:
    assert normalize_email(" Brian.OBrien@Inboxly.Example ") == "brian.obrien@inboxly.example"
    assert normalize_email("not an email") is None
    assert normalize_url("HTTPS://Shop.Example/p/1/") == "https://shop.example/p/1"
    assert normalize_domain("https://a.b.veltrano-outlet.co.uk/x") == "veltrano-outlet.co.uk"
    assert normalize_domain("deals12.example") == "deals12.example"
    assert normalize_ip("2001:DB8::0:1") == "2001:db8::1"
    assert normalize_ip("300.1.1.1") is None


def test_handles_plates_vessels_places() -> None:
    assert normalize_username("@Sneaker_Deals.99") == "sneaker_deals.99"
    assert normalize_plate("TX plate ABC-1234") == "TX:ABC1234"
    assert normalize_plate("ABC 1234", "ca") == "CA:ABC1234"
    assert normalize_vessel("M/V Sea  Lark") == "SEA LARK"
    assert normalize_country("Mexico") == normalize_country("MEX") == normalize_country("mx") == "MX"
    place = us_zip_place("92236-1234")
    assert place is not None and place.county == "Riverside County" and place.state == "CA"
    assert normalize_zip("00000") is None


@given(st.binary(min_size=1, max_size=64))
def test_a_digest_is_never_mistaken_for_a_wallet(data: bytes) -> None:
    assert normalize_btc(hashlib.sha256(data).hexdigest()) is None
