"""All SQL for call sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.models import Call, CallEvent, CallPause


def get(session: Session, call_id: str, lock: bool = False) -> Call | None:
    query = select(Call).where(Call.id == call_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def by_external_id(session: Session, source: str, external_id: str) -> Call | None:
    query = select(Call).where(Call.source == source, Call.external_id == external_id)
    return session.execute(query).scalar_one_or_none()


def event_by_client_id(session: Session, call_id: str, client_event_id: str) -> CallEvent | None:
    query = select(CallEvent).where(
        CallEvent.call_id == call_id, CallEvent.client_event_id == client_event_id
    )
    return session.execute(query).scalar_one_or_none()


def events(session: Session, call_id: str) -> list[CallEvent]:
    query = select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.id)
    return list(session.execute(query).scalars())


def pauses(session: Session, call_id: str) -> list[CallPause]:
    query = select(CallPause).where(CallPause.call_id == call_id).order_by(CallPause.id)
    return list(session.execute(query).scalars())


def open_pause(session: Session, call_id: str) -> CallPause | None:
    query = select(CallPause).where(CallPause.call_id == call_id, CallPause.ended_at.is_(None))
    return session.execute(query).scalar_one_or_none()


def find(
    session: Session, since: datetime | None, until: datetime | None, state: str | None, limit: int
) -> list[Call]:
    query = select(Call).order_by(Call.started_at.desc()).limit(limit)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at < until)
    if state is not None:
        query = query.where(Call.state == state)
    return list(session.execute(query).scalars())


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()
