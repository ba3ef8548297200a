"""Which policy version is in force, remembered for a moment.

Every decision needs the version in force, and reading it costs more than the decision itself.
Versions change only by `apply`, so the answer is kept per database for at most a second, and
never past the moment the next stored version takes effect. An apply in this process forgets it
at once and again when its transaction commits; an apply from another process is seen within a
second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from callwarden.kit.clock import as_utc
from callwarden.policy import repository

REMEMBER_FOR = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class _InForce:
    key: tuple[int, str]
    seen_at: datetime
    until: datetime


_remembered: WeakKeyDictionary[Engine, _InForce] = WeakKeyDictionary()


def key_in_force(session: Session, moment: datetime) -> tuple[int, str] | None:
    """(version, content hash) of the version in force at `moment`."""
    engine = session.get_bind()
    found = _remembered.get(engine)  # type: ignore[arg-type]
    if found is not None and found.seen_at <= moment < found.until:
        return found.key
    key = repository.active_key_at(session, moment)
    if key is None:
        return None
    upcoming = repository.next_effective_after(session, moment)
    until = moment + REMEMBER_FOR
    if upcoming is not None:
        until = min(until, as_utc(upcoming))
    _remembered[engine] = _InForce(key, moment, until)  # type: ignore[index]
    return key


def forget() -> None:
    """Drop what is remembered, so the next decision reads the version in force again."""
    _remembered.clear()
