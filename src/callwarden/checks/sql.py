"""SQL the checks share: narrowing a bulk read to the rows a finding can be about.

A check over a million calls cannot bring every row into Python to compare times there; the
database compares them first. Date arithmetic is not portable (PostgreSQL adds intervals,
SQLite computes on text), so `later_than` is a pre-filter: it keeps every row the check's own
exact comparison in Python would keep (on SQLite, with a second's margin for its millisecond
text), and the check still decides each row it gets. The results are the check's, only faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_, func, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session

Moment = QueryableAttribute[Any] | ColumnElement[Any]


def later_than(
    session: Session, moment: Moment, base: Moment, seconds: float
) -> ColumnElement[bool]:
    """`moment > base + seconds` on PostgreSQL; on SQLite the same with a second's margin
    (so it keeps a few rows more, never fewer); a NULL moment is not later."""
    if session.get_bind().dialect.name == "postgresql":
        return moment > base + func.make_interval(0, 0, 0, 0, 0, 0, literal(float(seconds)))
    shifted = func.strftime("%Y-%m-%d %H:%M:%f", base, f"{seconds - 1:+.3f} seconds")
    return func.coalesce(moment > shifted, False)


def within(session: Session, moment: Moment, base: Moment, seconds: float) -> ColumnElement[bool]:
    """`moment` no more than `seconds` from `base` on PostgreSQL; on SQLite the same with a
    second's margin either side (a few rows more, never fewer)."""
    if session.get_bind().dialect.name == "postgresql":
        span = func.make_interval(0, 0, 0, 0, 0, 0, literal(float(seconds)))
        return (moment >= base - span) & (moment <= base + span)
    low = func.strftime("%Y-%m-%d %H:%M:%f", base, f"{-seconds - 1:+.3f} seconds")
    high = func.strftime("%Y-%m-%d %H:%M:%f", base, f"{seconds + 1:+.3f} seconds")
    return (moment >= low) & (moment <= high)


def seconds_between(session: Session, start: Moment, end: Moment) -> ColumnElement[Any]:
    """`end - start` in seconds (on SQLite from Julian days, within a millisecond)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def one_of(
    session: Session, column: Moment, values: Sequence[Any], item: Any
) -> ColumnElement[bool]:
    """`column IN values` as one array parameter on PostgreSQL (thousands of placeholders cost
    the driver more to render than the query costs to run); a plain IN list on SQLite, where
    placeholders are cheap (keep `values` under its 32,766)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(item)))
    return column.in_(list(values))
