"""Weeks of a period (Monday, UTC) and the SQL that puts a row in its week.

A period rarely starts on a Monday: its first and last weeks are then partial, and the
indicators' `counts` say so. The week of a row is a CASE over the week boundaries, bound as
parameters, so the same statement runs on SQLite and PostgreSQL with no date function of
either.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, literal
from sqlalchemy.sql.elements import SQLCoreOperations

from callwarden.checks.registry import Period

WEEK = timedelta(days=7)


def week_starts(period: Period) -> list[datetime]:
    """The Monday 00:00 UTC of every week the period touches, in order."""
    first = period.start.astimezone(UTC)
    monday = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(
        days=first.weekday()
    )
    starts = []
    while monday < period.end:
        starts.append(monday)
        monday += WEEK
    return starts


def week_dates(period: Period) -> list[date]:
    return [start.date() for start in week_starts(period)]


def partial_weeks(period: Period) -> str:
    """A clause for the methods when the first or last week is cut by the period ("" if not)."""
    starts = week_starts(period)
    cut = []
    if starts and starts[0] < period.start:
        cut.append(f"the first week (from {starts[0]:%Y-%m-%d}) starts on {period.start:%Y-%m-%d}")
    if starts and starts[-1] + WEEK > period.end:
        last_day = (period.end - timedelta(microseconds=1)).date()
        cut.append(f"the last week (from {starts[-1]:%Y-%m-%d}) ends on {last_day:%Y-%m-%d}")
    if not cut:
        return ""
    return "Weeks run Monday to Sunday (UTC); partial weeks: " + "; ".join(cut) + "."


def week_of(column: SQLCoreOperations[Any], period: Period) -> ColumnElement[int]:
    """The index (0-based) of the week a row's moment falls in, for rows inside the period."""
    starts = week_starts(period)
    if len(starts) <= 1:
        return literal(0, Integer)
    whens = [(column < start, index) for index, start in enumerate(starts[1:])]
    return case(*whens, else_=len(starts) - 1)


def index_of(moment: datetime, period: Period) -> int:
    """The same week index for a moment in Python (for the few rows read one by one)."""
    starts = week_starts(period)
    return max(0, bisect_right(starts, moment) - 1)
