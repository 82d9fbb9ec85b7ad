"""Property tests for the tip record parser and the extractor: bad input is refused in words, never a crash."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.identity.offices_file import load_offices
from pathways.tips.classify import classify
from pathways.tips.extract import from_text
from pathways.tips.prepare import RecordError, external_id_of, prepare

OFFICES = load_offices()
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                       lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                       max_leaves=12)


@settings(max_examples=200)
@given(JSONISH)
def test_any_json_is_either_a_tip_or_a_reason(value: Any) -> None:
    try:
        prepare(value, OFFICES)
    except RecordError as exc:
        assert str(exc)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=130), st.integers(), st.none(), st.booleans()))
def test_a_records_external_id_is_known_before_it_is_prepared(external_id: Any) -> None:
    """Online intake answers each caller by the id its tip is stored under, read before the import."""
    rec = {"external_id": external_id, "received_at": "2026-03-01T10:00:00Z", "channel": "web_form",
           "narrative": "Counterfeit watches sold from a van near the port."}
    try:
        stored = prepare(rec, OFFICES).external_id
    except RecordError:
        stored = ""
    assert external_id_of(rec) == stored


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_extraction_never_crashes_and_every_identifier_is_normalized(text: str) -> None:
    for ident in from_text(text):
        assert ident.normalized and ident.kind


def test_identifiers_of_a_narrative() -> None:
    text = ("Smugglers use TX plate ABC-1234 near Laredo. Call (713) 555-0142 or mail x.y@mail.example. "
            "Site https://fake-shop.example/p/9 pays 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa and "
            "0x52908400098527886E0F7030069857D2E4169EE7; ask @cash_queen771 on the M/V SEA LARK next week.")
    keys = {i.key for i in from_text(text)}
    assert {"vehicle:TX:ABC1234", "phone:+17135550142", "email:x.y@mail.example",
            "url:https://fake-shop.example/p/9", "domain:fake-shop.example",
            "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "eth:0x52908400098527886e0f7030069857d2e4169ee7",
            "username:cash_queen771", "vessel:SEA LARK"} <= keys


@pytest.mark.parametrize(("text", "category"), [
    ("Migrants pay a smuggling operation to cross", "human_smuggling"),
    ("They sell counterfeit watches, replica quality", "counterfeit_goods"),
    ("The weather was nice", "other"),
])
def test_classifier_explains_itself(text: str, category: str) -> None:
    got, reason = classify(text)
    assert got == category and reason
