"""All SQL for the Twilio adapter's own rows: recordings Twilio told us about, and fetching them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, or_, select, update
from sqlalchemy.orm import Session

from callwarden.kit import clock
from callwarden.models import ProviderRecording

PROVIDER = "twilio"
FINAL = "final: "  # how `fetch_error` starts when no retry can fix it


def recording_status(session: Session, recording_sid: str, status: str) -> ProviderRecording | None:
    query = select(ProviderRecording).where(
        ProviderRecording.provider == PROVIDER,
        ProviderRecording.recording_sid == recording_sid,
        ProviderRecording.status == status,
    )
    return session.execute(query).scalar_one_or_none()


def add(session: Session, row: ProviderRecording) -> None:
    session.add(row)
    session.flush()


def provider_recording(session: Session, row_id: int) -> ProviderRecording | None:
    return session.get(ProviderRecording, row_id)


def claimable(max_attempts: int) -> list[ColumnElement[bool]]:
    """The fetch queue: completed recordings not fetched, not given up, attempts left, and not
    leased to a worker right now."""
    row = ProviderRecording
    return [
        row.provider == PROVIDER,
        row.status == "completed",
        row.fetched_recording_id.is_(None),
        row.fetch_attempts < max_attempts,
        or_(row.fetch_error.is_(None), ~row.fetch_error.startswith(FINAL)),
        or_(row.fetch_claimed_until.is_(None), row.fetch_claimed_until < clock.now()),
    ]


def fetchable(
    session: Session, max_attempts: int, limit: int = 200
) -> list[tuple[int, datetime, int]]:
    """Rows still to fetch, oldest first, as (id, received_at, fetch_attempts)."""
    query = select(
        ProviderRecording.id, ProviderRecording.received_at, ProviderRecording.fetch_attempts
    ).where(*claimable(max_attempts))
    rows = session.execute(query.order_by(ProviderRecording.id).limit(limit)).all()
    return [(row.id, row.received_at, row.fetch_attempts) for row in rows]


def lease(
    session: Session, row_id: int, max_attempts: int, until: datetime
) -> ProviderRecording | None:
    """Take the row for one attempt until `until`, if it is still to be fetched (one UPDATE:
    no row lock is held once the short transaction commits)."""
    take = (
        update(ProviderRecording)
        .where(ProviderRecording.id == row_id, *claimable(max_attempts))
        .values(fetch_claimed_until=until)
    )
    taken: CursorResult[tuple[()]] = session.execute(take)  # type: ignore[assignment]
    if taken.rowcount != 1:
        return None
    return session.get(ProviderRecording, row_id)
