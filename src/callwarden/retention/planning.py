"""What the schedule's sweep takes: recordings due for disposal and kept by no hold.

The plan is one indexed query per batch, by id, so a sweep over a million recordings never
holds them all in memory and a killed sweep's rerun simply asks again (what was disposed is
no longer "stored"). The holds are judged as the query runs; disposal judges them once more
for exactly the rows of its batch, under their lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from callwarden.models import Recording
from callwarden.retention import coverage


def _due(as_of: datetime) -> ColumnElement[bool]:
    return and_(
        Recording.state == "stored",
        Recording.disposal_due.is_not(None),
        Recording.disposal_due <= as_of,
    )


def due_and_unheld(
    session: Session, as_of: datetime, limit: int, after_id: str | None = None
) -> list[str]:
    """Up to `limit` ids, in id order after `after_id`, of stored recordings due by `as_of`
    that no active hold keeps."""
    query = select(Recording.id).where(_due(as_of), ~coverage.covered(session))
    if after_id is not None:
        query = query.where(Recording.id > after_id)
    return list(session.execute(query.order_by(Recording.id).limit(limit)).scalars())


def count_due(session: Session, as_of: datetime) -> tuple[int, int]:
    """(due and not held, due but held) as of then: a dry run's answer, a progress bar's total.

    Two counts, not one with two FILTERs: PostgreSQL hashes the holds' subqueries once for a
    WHERE but re-runs them per row inside an aggregate's FILTER (12 s against 0.4 s at 20,000
    recordings under 1,000 holds)."""
    due = select(func.count()).select_from(Recording).where(_due(as_of))
    total = int(session.execute(due).scalar_one())
    unheld = int(session.execute(due.where(~coverage.covered(session))).scalar_one())
    return unheld, total - unheld
