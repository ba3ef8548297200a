"""Locating parties: explicit codes win, numbers give presumed locations, bad input refused."""

from __future__ import annotations

import phonenumbers
import pytest

from callwarden.kit.errors import InvalidInput
from callwarden.law import KnowledgeBase, Location, UnknownJurisdiction, locate
from callwarden.law.locate import _locate_number, area_code_table

AREA_CODES = {
    "212": "US-NY", "213": "US-CA", "415": "US-CA", "206": "US-WA", "503": "US-OR",
    "702": "US-NV", "312": "US-IL", "305": "US-FL", "512": "US-TX", "416": "CA-ON",
    "604": "CA-BC", "514": "CA-QC", "202": "US-DC", "201": "US-NJ", "718": "US-NY",
    "617": "US-MA", "713": "US-TX", "303": "US-CO", "404": "US-GA", "215": "US-PA",
    "313": "US-MI", "302": "US-DE", "802": "US-VT", "860": "US-CT", "907": "US-AK",
    "808": "US-HI", "403": "CA-AB", "613": "CA-ON", "905": "CA-ON", "204": "CA-MB",
}  # fmt: skip


@pytest.mark.parametrize(("area_code", "expected"), sorted(AREA_CODES.items()))
def test_nanp_area_codes(area_code: str, expected: str) -> None:
    location = locate(f"+1{area_code}5550123", None)
    assert location == Location(expected, "presumed", location.detail)
    assert area_code in location.detail and "presumed" in location.detail


def test_table_covers_every_state_and_dc() -> None:
    single, _ = area_code_table()
    states = {code for code in single.values() if code.startswith("US-")}
    assert len(states) == 51


def test_toll_free_is_country_only() -> None:
    location = locate("+18005551234", None)
    assert (location.code, location.source) == ("US", "presumed")
    assert "toll-free" in location.detail


def test_area_code_spanning_provinces_is_country_only() -> None:
    location = locate("+19025550123", None)
    assert (location.code, location.source) == ("CA", "presumed")
    assert "CA-NS" in location.detail and "CA-PE" in location.detail


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+442079460000", "GB"),
        ("+4930123456", "DE"),
        ("+33123456789", "FR"),
        ("+61212345678", "AU"),
        ("+35312345678", "IE"),
        ("+5511987654321", "BR"),
        ("+1 (212) 555-0123", "US-NY"),
    ],
)
def test_country_from_number(number: str, expected: str) -> None:
    assert locate(number, None).code == expected
    assert locate(number, None).source == "presumed"


def test_countries_outside_the_knowledge_base_are_unknown_not_guessed() -> None:
    jamaica = locate("+18765551234", None)
    assert (jamaica.code, jamaica.source) == (None, "unknown")
    assert "JM" in jamaica.detail
    china = locate("+8613800138000", None)
    assert (china.code, china.source) == (None, "unknown")


def test_detail_does_not_repeat_the_full_number() -> None:
    assert "5550123" not in locate("+12125550123", None).detail


def test_explicit_jurisdiction_wins_over_the_number() -> None:
    location = locate("+12125550123", "us-ca")
    assert (location.code, location.source) == ("US-CA", "explicit")


def test_a_providers_hint_wins_over_the_number_but_is_only_presumed() -> None:
    location = locate("+12125550123", "US-CA", from_provider=True)
    assert (location.code, location.source) == ("US-CA", "presumed")
    assert "phone provider" in location.detail


def test_explicit_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(UnknownJurisdiction, match="US-CA"):
        locate("+12125550123", "US-CX")


def test_nothing_known_is_unknown() -> None:
    assert locate(None, None).source == "unknown"
    assert locate("", " ").code is None


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("12125550123", "start with '\\+'"),
        ("+999123", "cannot be read"),
        ("+1212", "wrong number of digits"),
        ("+4912", "wrong number of digits"),
        ("call me", "E.164"),
        ("+", "cannot be read"),
    ],
)
def test_unparseable_numbers_are_refused(number: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        locate(number, None)


def test_fast_path_agrees_with_phonenumbers(kb: KnowledgeBase) -> None:
    # The regex/dict fast paths must give the same country as a full phonenumbers parse.
    for number in ("+4930123456", "+33612345678", "+6421234567", "+819012345678"):
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
        assert locate(number, None, kb=kb).code == region


def test_a_number_is_located_once_then_cached() -> None:
    # How fast a cached locate is, is bench/law.py's to measure; here: the second one is a hit.
    numbers = ["+14155550199", "+442079460001", "+4930123457", "+18005551299"]
    for number in numbers:
        locate(number, None)
    before = _locate_number.cache_info()
    assert [locate(number, None) for number in numbers] == [locate(n, None) for n in numbers]
    after = _locate_number.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 2 * len(numbers)
