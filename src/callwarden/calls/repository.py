"""All SQL for call sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, select, union
from sqlalchemy.orm import Session

from callwarden.calls.snapshot import (
    CallLine,
    CallSnapshot,
    EventSnapshot,
    PartyLine,
    PartySnapshot,
)
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import Call, CallEvent, CallParty, CallPause


def get(
    session: Session,
    call_id: str,
    lock: bool = False,
    within: ColumnElement[bool] | None = None,
) -> Call | None:
    """The call, or None; `within` (calls.access.visible) answers None for a call out of reach."""
    query = select(Call).where(Call.id == call_id)
    if within is not None:
        query = query.where(within)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


_CALLS = cast(Table, Call.__table__)
_PARTIES = cast(Table, CallParty.__table__)
_SNAPSHOT_CALL = select(
    _CALLS.c.id,
    _CALLS.c.direction,
    _CALLS.c.facts,
    _CALLS.c.record_decision,
    _CALLS.c.halted,
    _CALLS.c.on_withdrawal,
    _CALLS.c.on_missing_notice,
    _CALLS.c.decision_id,
    _CALLS.c.policy_version,
    _CALLS.c.started_at,
    _CALLS.c.agent_user_id,
    _CALLS.c.team_id,
).where(_CALLS.c.id == bindparam("call_id"))
_SNAPSHOT_PARTIES = (
    select(
        _PARTIES.c.key,
        _PARTIES.c.role,
        _PARTIES.c.number,
        _PARTIES.c.jurisdiction,
        _PARTIES.c.needs_consent,
        _PARTIES.c.consent_status,
        _PARTIES.c.needs_notice,
        _PARTIES.c.notice_at,
    )
    .where(_PARTIES.c.call_id == bindparam("call_id"))
    .order_by(_PARTIES.c.position)
)


def snapshot(session: Session, call_id: str) -> CallSnapshot | None:
    """The call and its parties as plain values (see calls.snapshot)."""
    connection = session.connection()
    row = connection.execute(_SNAPSHOT_CALL, {"call_id": call_id}).first()
    if row is None:
        return None
    parties = connection.execute(_SNAPSHOT_PARTIES, {"call_id": call_id})
    return CallSnapshot(
        **row._asdict(), parties=tuple(PartySnapshot(**party._asdict()) for party in parties)
    )


_EVENTS = cast(Table, CallEvent.__table__)
_ACCEPTED_OF_KINDS = (
    select(_EVENTS.c.kind, _EVENTS.c.occurred_at, _EVENTS.c.offset_s)
    .where(
        _EVENTS.c.call_id == bindparam("call_id"),
        _EVENTS.c.accepted.is_(True),
        _EVENTS.c.kind.in_(bindparam("kinds", expanding=True)),
    )
    .order_by(_EVENTS.c.id)
)


def accepted_events(session: Session, call_id: str, kinds: tuple[str, ...]) -> list[EventSnapshot]:
    """The call's accepted events of these kinds, in the order they were recorded."""
    rows = session.connection().execute(_ACCEPTED_OF_KINDS, {"call_id": call_id, "kinds": kinds})
    return [EventSnapshot(**row._asdict()) for row in rows]


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


# Newest first; calls that started in the same microsecond are ordered by id.
NEWEST_FIRST = Keyset("calls", (Call.started_at, Call.id), descending=True)


_LINE = select(
    Call.id,
    Call.direction,
    Call.state,
    Call.record_decision,
    Call.recording_state,
    Call.started_at,
    Call.external_id,
    Call.facts,
)
_LINE_PARTIES = (
    select(_PARTIES.c.call_id, _PARTIES.c.role, _PARTIES.c.jurisdiction)
    .where(_PARTIES.c.call_id.in_(bindparam("call_ids", expanding=True)))
    .order_by(_PARTIES.c.call_id, _PARTIES.c.position)
)


def _lines(session: Session, rows: Sequence[Any]) -> list[CallLine]:
    """List rows with their parties, from one more select for the whole page."""
    parties: dict[str, list[PartyLine]] = {}
    if rows:
        found = session.connection().execute(_LINE_PARTIES, {"call_ids": [row.id for row in rows]})
        for party in found:
            parties.setdefault(party.call_id, []).append(PartyLine(party.role, party.jurisdiction))
    return [
        CallLine(
            id=row.id,
            direction=row.direction,
            state=row.state,
            record_decision=row.record_decision,
            recording_state=row.recording_state,
            started_at=row.started_at,
            external_id=row.external_id,
            queue=(row.facts or {}).get("queue"),
            parties=tuple(parties.get(row.id, ())),
        )
        for row in rows
    ]


def find(
    session: Session,
    within: ColumnElement[bool],
    since: datetime | None,
    until: datetime | None,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> Slice[CallLine]:
    """One page, newest first, of the calls `within` lets through (filtered in SQL, before the
    limit), as plain rows."""
    query = _LINE.where(within)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at < until)
    if state is not None:
        query = query.where(Call.state == state)
    rows = session.execute(NEWEST_FIRST.apply(query, cursor, limit)).all()
    found = NEWEST_FIRST.page(rows, limit)
    return Slice(_lines(session, found.rows), found.next_cursor)


def with_violations(session: Session, within: ColumnElement[bool], limit: int) -> list[CallLine]:
    """The newest calls `within` lets through that have a refused event or one kept with a
    violation (a pause too long, a recording stored in breach of the ledger)."""
    # Two indexed lookups (refused events; events kept with a violation), not a scan of all.
    flagged = union(
        select(CallEvent.call_id).where(CallEvent.accepted.is_(False)),
        select(CallEvent.call_id).where(CallEvent.violation.is_not(None)),
    )
    query = _LINE.where(within, Call.id.in_(flagged))
    rows = session.execute(NEWEST_FIRST.apply(query, None, limit)).all()[:limit]
    return _lines(session, rows)


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def with_numbers(session: Session, numbers: Sequence[str]) -> list[Call]:
    """Every call with a party on one of these numbers, oldest first (no cap: a data-subject
    request must find all of them)."""
    if not numbers:
        return []
    having = select(CallParty.call_id).where(CallParty.number.in_(list(numbers)))
    query = select(Call).where(Call.id.in_(having)).order_by(Call.started_at, Call.id)
    return list(session.execute(query).scalars())
