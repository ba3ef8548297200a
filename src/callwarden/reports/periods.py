"""The report's period from whole days, as people ask for it (`--from`/`--to`, `?from=&to=`).

Both days are inclusive and UTC, like `callwarden checks run`: 2026-10-01 to 2026-12-31 is the
fourth quarter, [2026-10-01 00:00, 2027-01-01 00:00). A period runs forwards and lasts at most
366 days (a year, leap or not); anything else is refused in one plain sentence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from callwarden.checks.registry import Period
from callwarden.kit.errors import InvalidInput

MAX_DAYS = 366
EARLIEST_YEAR, LATEST_YEAR = 1970, 2199  # kit.inputs's range for every time we take


def day(value: str, name: str) -> date:
    """`value` as a calendar day (YYYY-MM-DD), or InvalidInput naming the parameter."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} {value!r} is not a date such as 2026-12-01") from None
    if len(value) != 10 or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise InvalidInput(
            f"{name} {value!r} must be a day written YYYY-MM-DD between the years "
            f"{EARLIEST_YEAR} and {LATEST_YEAR}"
        )
    return parsed


def checked(period: Period) -> Period:
    """The period itself, if it runs forwards and lasts at most 366 days."""
    if period.end <= period.start:
        raise InvalidInput("the report's period must end after it starts (--to before --from?)")
    if period.end - period.start > timedelta(days=MAX_DAYS):
        raise InvalidInput(
            f"a report covers at most {MAX_DAYS} days; make one report per year or quarter"
        )
    return period


def of_days(first: str, last: str) -> Period:
    """[first 00:00 UTC, the day after last 00:00 UTC), checked."""
    start, end = day(first, "from"), day(last, "to")
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    return checked(
        Period(begin, datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1))
    )
