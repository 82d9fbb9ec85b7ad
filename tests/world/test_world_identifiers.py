import re

from hypothesis import given
from hypothesis import strategies as st

from pathways.world.identifiers import (
    base58check,
    base58check_decode,
    bech32_segwit_v0,
    bech32_verify,
    btc_address,
    eth_address,
    phone_e164,
)
from pathways.world.obfuscate import disguise_mark
from pathways.world.rng import stream
from pathways.world.variants import company_variants, person_variants, to_cyrillic


@given(st.binary(min_size=21, max_size=21))
def test_base58check_round_trip(payload):
    assert base58check_decode(base58check(payload)) == payload


@given(st.binary(min_size=20, max_size=20))
def test_bech32_checksums_verify(program):
    addr = bech32_segwit_v0(program)
    assert addr.startswith("bc1q") and bech32_verify(addr)
    flipped = addr[:-1] + ("q" if addr[-1] != "q" else "p")
    assert not bech32_verify(flipped)


def test_bip173_vector():
    assert bech32_segwit_v0(bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")) == \
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_crypto_addresses_are_valid(seed):
    rng = stream(seed, "t")
    a = btc_address(rng)
    assert (a[0] in "13" and base58check_decode(a) is not None) or bech32_verify(a)
    assert re.fullmatch(r"0x[0-9a-f]{40}", eth_address(rng))


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(["US", "CN", "HK", "MX", "RU", "GB"]))
def test_phones_look_e164(seed, country):
    assert re.fullmatch(r"\+[1-9]\d{7,14}", phone_e164(stream(seed, "p"), country))


@given(st.integers(min_value=0, max_value=2**32))
def test_variants_keep_canonical_first_and_are_distinct(seed):
    rng = stream(seed, "v")
    names = company_variants(rng, "Shenzhen Hua Xin Trading Co., Ltd.", "CN", 5)
    assert names[0] == "Shenzhen Hua Xin Trading Co., Ltd." and len(set(names)) == len(names)
    people = person_variants(rng, "Sergei", "", "Ivanov", "RU", 5)
    assert people[0] == "Sergei Ivanov" and len(set(people)) == len(people)


def test_cyrillic_transliteration():
    assert to_cyrillic("Ivanov") == "Иванов"


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(["VELTRANO", "NORTHERN KNIGHTS", "KAILO"]))
def test_disguised_marks_differ_unless_exact(seed, mark):
    shown, cue = disguise_mark(stream(seed, "d"), mark)
    assert (shown == mark) == (cue == "exact")
