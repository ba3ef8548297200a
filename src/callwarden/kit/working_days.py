"""Working days (Monday to Friday, UTC) between two moments, as the cases' policy counts them.

The policy gives a case's answer time in working days (`cases.answer_within_working_days`), so
how late a case is and how long a decision took are measured in the same unit, or a reader
would compare ten working days with fourteen calendar ones. Public holidays are not known to
callwarden and count as working days; the report's methods say so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

WORKING_WEEK = 5  # Monday (0) to Friday (4)


def _day(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        utc = moment.astimezone(UTC) if moment.tzinfo else moment
        return utc.date()
    return moment


def between(start: datetime | date, end: datetime | date) -> int:
    """The working days after `start`'s day up to and including `end`'s day (UTC): filed on a
    Monday and decided on the Tuesday is 1, on the same day 0, on the Monday after a Friday 1.
    An `end` before `start` is 0."""
    first, last = _day(start), _day(end)
    days = (last - first).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    count = weeks * WORKING_WEEK
    weekday = first.weekday()
    for step in range(1, rest + 1):
        if (weekday + step) % 7 < WORKING_WEEK:
            count += 1
    return count


def after(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`, at the same time of day.

    Filed on a Saturday or Sunday, the count starts on the Monday: one working day after a
    Saturday morning is the Monday morning, as after the Friday before.
    """
    moment = start
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < WORKING_WEEK:
            left -= 1
    return moment
