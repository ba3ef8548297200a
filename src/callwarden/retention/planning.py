"""What the schedule's sweep takes: recordings due for disposal and kept by no hold.

The holds are judged once over the whole table (`held_due`: the few ids they keep among what
is due), then the plan walks the due recordings in id order a window at a time (an index walk
that stops after the window) and leaves out the held ones, so a sweep over a million
recordings never holds them all in memory and no query tests a hundred searches per row. A
killed sweep's rerun simply asks again (what was disposed is no longer "stored"). A plan may
be stale by a hold made since: disposal judges the holds once more for exactly the rows of its
batch, under their lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from callwarden.models import Recording
from callwarden.retention import coverage

WINDOW = 5000  # due recordings judged against the holds per query


def _due(as_of: datetime) -> ColumnElement[bool]:
    return and_(
        Recording.state == "stored",
        Recording.disposal_due.is_not(None),
        Recording.disposal_due <= as_of,
    )


def held_due(session: Session, as_of: datetime) -> set[str]:
    """The ids of the recordings due by then that an active hold keeps: one pass over the
    table (holds keep few recordings next to what is due), judged now."""
    query = select(Recording.id).where(_due(as_of), coverage.covered(session, bulk=True))
    return set(session.execute(query).scalars())


def due_and_unheld(
    session: Session,
    as_of: datetime,
    limit: int,
    after_id: str | None = None,
    held: set[str] | None = None,
    window: int = WINDOW,
) -> list[str]:
    """Up to `limit` ids, in id order after `after_id`, of stored recordings due by `as_of`
    that no active hold keeps. `held` (from `held_due`) saves judging the holds anew on each
    call when many follow one another (a sweep's batches: disposal judges again anyway)."""
    kept = held_due(session, as_of) if held is None else held
    found: list[str] = []
    while len(found) < limit:
        walk = select(Recording.id).where(_due(as_of))
        if after_id is not None:
            walk = walk.where(Recording.id > after_id)
        size = max(limit, window)
        candidates = list(session.execute(walk.order_by(Recording.id).limit(size)).scalars())
        found += [recording_id for recording_id in candidates if recording_id not in kept]
        if len(candidates) < size:
            break
        after_id = candidates[-1]
    return found[:limit]


def count_due(session: Session, as_of: datetime) -> tuple[int, int]:
    """(due and not held, due but held) as of then: a dry run's answer, a progress bar's total."""
    due = select(func.count()).select_from(Recording).where(_due(as_of))
    total = int(session.execute(due).scalar_one())
    kept = int(session.execute(due.where(coverage.covered(session, bulk=True))).scalar_one())
    return total - kept, kept
