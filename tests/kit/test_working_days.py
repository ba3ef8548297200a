"""Working days between two moments, against counting the days one by one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from callwarden.kit.working_days import between

MONDAY = date(2026, 11, 30)


def _counted(start: date, end: date) -> int:
    days = (end - start).days
    return sum(1 for step in range(1, days + 1) if (start + timedelta(days=step)).weekday() < 5)


def test_the_examples_the_docstring_gives() -> None:
    friday = MONDAY + timedelta(days=4)
    assert between(MONDAY, MONDAY + timedelta(days=1)) == 1
    assert between(MONDAY, MONDAY) == 0
    assert between(friday, friday + timedelta(days=3)) == 1
    assert between(MONDAY, MONDAY + timedelta(days=14)) == 10
    assert between(MONDAY + timedelta(days=1), MONDAY) == 0


def test_moments_count_by_their_utc_day() -> None:
    late_friday = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert between(late_friday, datetime(2026, 12, 7, 0, 30, tzinfo=UTC)) == 1
    naive = datetime(2026, 12, 4, 23, 30)  # as SQLite gives it back: UTC
    assert between(naive, late_friday + timedelta(days=7)) == 5


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 800))
def test_it_counts_what_counting_day_by_day_counts(start: date, days: int) -> None:
    assert between(start, start + timedelta(days=days)) == _counted(
        start, start + timedelta(days=days)
    )
