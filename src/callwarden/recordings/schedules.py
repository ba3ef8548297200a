"""The recordings' retention schedules, in batches, for re-scheduling and its preview.

The system's own work (a policy change re-schedules what it concerns): no principal and no
access rule, like the integrity sweep. The arithmetic is `retention.schedule`'s; this module
only moves rows in and out in batches by id, so a million recordings never sit in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callwarden.kit.clock import as_utc
from callwarden.recordings import repository

BATCH = 5000


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A recording's schedule as stored: what re-scheduling compares the new one with."""

    recording_id: str
    purposes: list[str]
    started_at: datetime
    retention_class: str | None
    retain_until: datetime | None
    dispose_by: datetime | None
    disposal_due: datetime | None


def _moment(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def batches(session: Session, size: int = BATCH) -> Iterator[list[Scheduled]]:
    """Every recording not disposed of, a batch at a time, in id order."""
    after: str | None = None
    while rows := repository.schedule_rows(session, after, size):
        yield [
            Scheduled(
                recording_id=row.id,
                purposes=list(row.purposes or []),
                started_at=as_utc(row.started_at),
                retention_class=row.retention_class,
                retain_until=_moment(row.retain_until),
                dispose_by=_moment(row.dispose_by),
                disposal_due=_moment(row.disposal_due),
            )
            for row in rows
        ]
        after = rows[-1].id


def store(session: Session, changes: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Write new schedules: (recording id, {column: value}) for the columns re-scheduling sets."""
    written = repository.SCHEDULE_WRITTEN
    repository.set_schedules(
        session,
        [
            {"b_id": recording_id, **{f"b_{name}": values[name] for name in written}}
            for recording_id, values in changes
        ],
    )
