"""ISO 8601 calendar durations (P5Y, P6M, P30D) for retention rules.

Retention law is written in calendar units ("5 years", "6 months", "90 days"), and the policy
validator must answer questions like "is this purpose's retention under MiFID II's 5 years?".
Python has no calendar-duration type (timedelta has no months or years), so we keep our own
small one: it keeps the calendar units for display and for adding to a date, and it compares
exactly through one integer key built on the mean Gregorian year (365.2425 days), so
`P60M == P5Y`, `P365D < P1Y` and `P1826D < P5Y`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import total_ordering
from typing import TypeVar

from callwarden.kit.errors import InvalidInput

# Mean Gregorian month = 365.2425 / 12 = 30.436875 days = 48699 / 1600 days.
_MONTH_NUMERATOR = 48699
_DAY_DENOMINATOR = 1600
MEAN_MONTH_DAYS = Fraction(_MONTH_NUMERATOR, _DAY_DENOMINATOR)

_PATTERN = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")

_Moment = TypeVar("_Moment", date, datetime)


@total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class Duration:
    """A non-negative calendar duration in years, months and days (weeks fold into days)."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    @property
    def _key(self) -> int:
        # Exact integer comparison key: length in 1/1600ths of a day.
        return self.total_months * _MONTH_NUMERATOR + self.days * _DAY_DENOMINATOR

    @property
    def approx_days(self) -> float:
        """Length in days, counting a month as a mean Gregorian month (30.436875 days)."""
        return self._key / _DAY_DENOMINATOR

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self._key == other._key

    def __lt__(self, other: Duration) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self._key < other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def isoformat(self) -> str:
        """The canonical ISO 8601 text, e.g. `P5Y`, `P1Y6M`, `P0D`."""
        parts = [f"{value}{unit}" for value, unit in self._units() if value]
        return "P" + ("".join(parts) if parts else "0D")

    def words(self) -> str:
        """The duration as people read it, e.g. `5 years`, `1 year and 6 months`, `90 days`.

        `isoformat` stays the form for files and machine fields; this one is for every place a
        person reads a retention period (CLI output, the rendered policy, problem messages).
        """
        named = [
            f"{value} {unit if value == 1 else unit + 's'}"
            for value, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if value
        ]
        if not named:
            return "0 days"
        return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]

    def _units(self) -> tuple[tuple[int, str], ...]:
        return ((self.years, "Y"), (self.months, "M"), (self.days, "D"))

    def __str__(self) -> str:
        return self.isoformat()

    def add_to(self, moment: _Moment) -> _Moment:
        """Calendar addition (years and months first, clamping the day, then days).

        Retention runs in calendar time: a recording kept "1 year" from 29 Feb 2024 may go on
        28 Feb 2025, not a fixed 365 days later.
        """
        month_index = moment.month - 1 + self.total_months
        year = moment.year + month_index // 12
        month = month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        shifted = moment.replace(year=year, month=month, day=day)
        return shifted + timedelta(days=self.days)


def parse_duration(text: str) -> Duration:
    """Parse `PnYnMnWnD` (calendar part only); refuse anything else with a helpful message.

    Time parts (`PT1H`) are refused on purpose: no retention rule is written in hours, and a
    stray `PT5M` (five minutes) where `P5M` (five months) was meant must not pass silently.
    """
    if not isinstance(text, str):
        raise InvalidInput(f"duration must be text like 'P5Y', got {type(text).__name__}")
    candidate = text.strip().upper()
    match = _PATTERN.fullmatch(candidate)
    if match is None or candidate == "P":
        raise InvalidInput(
            f"'{text}' is not an ISO 8601 duration in years, months, weeks or days "
            "(examples: P5Y, P6M, P90D, P1Y6M)"
        )
    years, months, weeks, days = (int(group) if group else 0 for group in match.groups())
    return Duration(years=years, months=months, days=days + 7 * weeks)
