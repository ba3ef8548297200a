"""ISO 8601 calendar durations: parsing, exact comparison, calendar addition."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.kit.errors import InvalidInput
from callwarden.law import Duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P5Y", Duration(years=5)),
        ("P6Y", Duration(years=6)),
        ("P30D", Duration(days=30)),
        ("P3M", Duration(months=3)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(days=14)),
        ("p90d", Duration(days=90)),
        ("P0D", Duration()),
    ],
)
def test_parse(text: str, expected: Duration) -> None:
    parsed = parse_duration(text)
    assert (parsed.years, parsed.months, parsed.days) == (
        expected.years,
        expected.months,
        expected.days,
    )


@pytest.mark.parametrize("text", ["", "P", "5Y", "PT1H", "P1Y2H", "P-1Y", "P1.5Y", "P5Y P", "Y"])
def test_parse_rejects_with_examples(text: str) -> None:
    with pytest.raises(InvalidInput, match="P5Y"):
        parse_duration(text)


def test_parse_rejects_non_text() -> None:
    with pytest.raises(InvalidInput):
        parse_duration(5)  # type: ignore[arg-type]


def test_comparisons_use_calendar_lengths() -> None:
    five_years = parse_duration("P5Y")
    assert parse_duration("P60M") == five_years
    assert parse_duration("P4Y11M") < five_years
    assert parse_duration("P1826D") < five_years < parse_duration("P1827D")
    assert parse_duration("P365D") < parse_duration("P1Y") < parse_duration("P366D")
    assert parse_duration("P30D") < parse_duration("P1M") < parse_duration("P31D")
    assert max(parse_duration(t) for t in ("P6M", "P1Y", "P90D")) == parse_duration("P12M")
    assert len({parse_duration("P1Y"), parse_duration("P12M")}) == 1


def test_approx_days() -> None:
    assert parse_duration("P1Y").approx_days == pytest.approx(365.2425)
    assert parse_duration("P90D").approx_days == 90


def test_isoformat_round_trip() -> None:
    assert str(parse_duration("P1Y6M10D")) == "P1Y6M10D"
    assert str(Duration()) == "P0D"
    assert str(parse_duration("P1W")) == "P7D"


def test_add_to_is_calendar_aware() -> None:
    assert parse_duration("P1Y").add_to(date(2024, 2, 29)) == date(2025, 2, 28)
    assert parse_duration("P1M").add_to(date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_duration("P5Y").add_to(date(2026, 11, 27)) == date(2031, 11, 27)
    moment = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
    assert parse_duration("P1Y2M3D").add_to(moment) == datetime(2028, 1, 30, 12, 30, tzinfo=UTC)


@given(
    st.integers(0, 50), st.integers(0, 40), st.integers(0, 4000),
    st.integers(0, 50), st.integers(0, 40), st.integers(0, 4000),
)  # fmt: skip
def test_ordering_agrees_with_approx_days(
    y1: int, m1: int, d1: int, y2: int, m2: int, d2: int
) -> None:
    a, b = Duration(y1, m1, d1), Duration(y2, m2, d2)
    assert (a < b) == (a.approx_days < b.approx_days)
    assert parse_duration(a.isoformat()) == a


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("P90D", "90 days"),
        ("P5Y", "5 years"),
        ("P6M", "6 months"),
        ("P1Y", "1 year"),
        ("P1M", "1 month"),
        ("P1D", "1 day"),
        ("P2W", "14 days"),
        ("P1Y6M", "1 year and 6 months"),
        ("P1Y6M10D", "1 year, 6 months and 10 days"),
        ("P0D", "0 days"),
    ],
)
def test_durations_read_as_words(text: str, words: str) -> None:
    assert parse_duration(text).words() == words
