"""The one source of time.

Retention, token expiry and audit timestamps all read the clock through here, so tests can freeze
or move time without patching the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC (or the frozen time in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze the clock at `moment` for the duration of the block."""
    global _frozen
    previous = _frozen
    _frozen = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward; refuses to run when the clock is not frozen."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock (use frozen_at)")
    _frozen = _frozen + delta


def as_utc(moment: datetime) -> datetime:
    """Normalise a datetime read back from a database that drops tzinfo (SQLite)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
