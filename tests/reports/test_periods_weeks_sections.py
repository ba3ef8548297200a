"""The report's period from inclusive days, its Monday weeks, and the section registry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import InvalidInput
from callwarden.reports import sections
from callwarden.reports.gather import build
from callwarden.reports.model import Section
from callwarden.reports.periods import of_days
from callwarden.reports.weeks import index_of, partial_weeks, week_dates


def test_days_are_inclusive_utc_and_bad_ones_are_refused() -> None:
    quarter = of_days("2026-10-01", "2026-12-31")
    assert quarter == Period(datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert of_days("2028-01-01", "2028-12-31").end == datetime(2029, 1, 1, tzinfo=UTC)  # 366
    for first, last, says in (
        ("2026-12-01", "2026-11-30", "must end after it starts"),
        ("2026-01-01", "2027-01-02", "at most 366 days"),
        ("2026-13-01", "2026-12-31", "is not a date"),
        ("1969-12-31", "1970-01-02", "between the years 1970 and 2199"),
        ("2026-1-01", "2026-12-31", "is not a date"),
    ):
        with pytest.raises(InvalidInput, match=says):
            of_days(first, last)


def test_weeks_start_on_monday_and_partial_ones_are_named() -> None:
    whole = of_days("2026-11-02", "2026-11-15")  # Monday to Sunday, twice
    assert week_dates(whole) == [date(2026, 11, 2), date(2026, 11, 9)]
    assert partial_weeks(whole) == ""
    cut = of_days("2026-11-04", "2026-11-17")
    assert week_dates(cut) == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert "first week (from 2026-11-02) starts on 2026-11-04" in partial_weeks(cut)
    assert "last week (from 2026-11-16) ends on 2026-11-17" in partial_weeks(cut)
    assert index_of(datetime(2026, 11, 9, tzinfo=UTC), cut) == 1
    assert index_of(datetime(2026, 11, 8, 23, 59, tzinfo=UTC), cut) == 0


@pytest.fixture
def a_section() -> Iterator[None]:
    """A section registered for one test only (the registry is the process's)."""

    @sections.section("zz_test_calls_seen")
    def seen(session: Session, period: Period, context: sections.SectionContext) -> Section:
        return Section(
            key="zz_test_calls_seen",
            title="A section from another area",
            summary=f"period from {period.start:%Y-%m-%d}, made at {context.now:%Y-%m-%d}",
            columns=("what", "how many"),
            rows=(("calls", "0"),),
        )

    @sections.section("zz_test_nothing")
    def nothing(session: Session, period: Period, context: sections.SectionContext) -> None:
        return None

    try:
        yield
    finally:
        sections._SECTIONS.pop("zz_test_calls_seen", None)
        sections._SECTIONS.pop("zz_test_nothing", None)


def test_a_registered_section_joins_the_report(
    db: Database, settings: Settings, a_section: None
) -> None:
    with db.reading() as session:
        made = build(
            session, Principal("user:a", Role.LEGAL), of_days("2026-11-04", "2026-11-17"), settings
        )
    added = [part for part in made.sections if part.key.startswith("zz_test")]
    assert [part.key for part in added] == ["zz_test_calls_seen"]  # None leaves it out
    assert added[0].summary.startswith("period from 2026-11-04")
    with pytest.raises(ValueError, match="already registered"):
        sections.section("zz_test_calls_seen")(lambda session, period, context: None)
