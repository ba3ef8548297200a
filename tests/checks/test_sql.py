"""The checks' SQL pre-filters keep every row the exact comparison in Python keeps (on SQLite a
few more, near the boundary), on both databases, down to the microsecond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, literal, select

from callwarden.checks.sql import later_than, seconds_between, within
from callwarden.db import Database
from callwarden.models.base import UtcDateTime

BASE = datetime(2026, 3, 10, 9, 59, 59, 999_500, tzinfo=UTC)
OFFSETS_S = (-2.0, -0.5, -0.001, -0.000_001, 0.0, 0.000_001, 0.001, 0.5, 2.0)


def _moment(value: datetime) -> ColumnElement[datetime]:
    return literal(value, UtcDateTime())


def test_later_than_keeps_every_moment_past_the_shift(db: Database) -> None:
    with db.reading() as session:
        for seconds in (0, 5, 15):
            for offset in OFFSETS_S:
                moment = BASE + timedelta(seconds=seconds + offset)
                kept = session.scalar(
                    select(later_than(session, _moment(moment), _moment(BASE), seconds))
                )
                if moment > BASE + timedelta(seconds=seconds):
                    assert kept, (seconds, offset)
                if offset <= -2.0:
                    assert not kept, (seconds, offset)  # the margin is a second, no more


def test_a_missing_moment_is_never_later(db: Database) -> None:
    with db.reading() as session:
        none = literal(None, UtcDateTime())
        assert not session.scalar(select(later_than(session, none, _moment(BASE), 0)))


def test_within_keeps_every_moment_inside_the_window(db: Database) -> None:
    with db.reading() as session:
        for offset in OFFSETS_S:
            for sign in (-1, 1):
                moment = BASE + sign * timedelta(seconds=120 + offset)
                kept = session.scalar(select(within(session, _moment(moment), _moment(BASE), 120)))
                if abs(moment - BASE) <= timedelta(seconds=120):
                    assert kept, (sign, offset)
                if offset >= 2.0:
                    assert not kept, (sign, offset)


def test_seconds_between_is_within_a_millisecond(db: Database) -> None:
    with db.reading() as session:
        end = BASE + timedelta(seconds=754, microseconds=250_000)
        seconds = session.scalar(select(seconds_between(session, _moment(BASE), _moment(end))))
    assert seconds is not None and abs(float(seconds) - 754.25) < 0.001
