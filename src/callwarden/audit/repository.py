"""All SQL for the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import AuditEvent, AuditHead

HEAD_ID = 1


# Built once: these run for every audited change, and a statement with bound parameters is
# compiled once and reused; `.values(...)` with literal values is re-processed on every call.
_HEAD = cast(Table, AuditHead.__table__)
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


# The hot path runs on the session's connection: these are plain Core statements, and the
# session's own execute() adds ORM bookkeeping that costs more than the statement.


def lock_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the chain head, locked for this transaction so no other writer extends it."""
    connection = session.connection()
    row = connection.execute(_READ_HEAD).first()
    if row is None:
        connection.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash="0" * 64))
        return 0, "0" * 64
    return int(row[0]), str(row[1])


def append(session: Session, values: dict[str, Any]) -> None:
    """Insert one event and move the head to it, in the caller's transaction."""
    connection = session.connection()
    connection.execute(_INSERT_EVENT, values)
    connection.execute(_MOVE_HEAD, {"new_seq": values["seq"], "new_hash": values["hash"]})


def append_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert events (in chain order) in one batch and move the head to the last."""
    connection = session.connection()
    connection.execute(_INSERT_EVENT, rows)
    last = rows[-1]
    connection.execute(_MOVE_HEAD, {"new_seq": last["seq"], "new_hash": last["hash"]})


def read_head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, HEAD_ID)


@dataclass(frozen=True, slots=True)
class EventFilter:
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    up_to_seq: int | None = None  # events at or before this chain position (inclusive)


OLDEST_FIRST = Keyset("audit_events", (AuditEvent.seq,))
# Its own list name, so a cursor of one order is refused by the other rather than misread.
NEWEST_FIRST = Keyset("audit_events_newest", (AuditEvent.seq,), descending=True)


def get_event(session: Session, seq: int) -> AuditEvent | None:
    return session.get(AuditEvent, seq)


def find_events(
    session: Session,
    where: EventFilter,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
) -> Slice[AuditEvent]:
    """A page of the events matching the filter, oldest first unless asked (all bound
    parameters)."""
    query = select(AuditEvent)
    if where.actor is not None:
        query = query.where(AuditEvent.actor == where.actor)
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    if where.target is not None:
        query = query.where(AuditEvent.target == where.target)
    if where.since is not None:
        query = query.where(AuditEvent.occurred_at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.occurred_at < where.until)
    if where.up_to_seq is not None:
        query = query.where(AuditEvent.seq <= where.up_to_seq)
    order = NEWEST_FIRST if newest_first else OLDEST_FIRST
    rows = list(session.execute(order.apply(query, cursor, limit)).scalars())
    return order.page(rows, limit)


def count_up_to(session: Session, seq: int) -> int:
    """How many events the trail holds at or before `seq` (an index-only count)."""
    table = AuditEvent.__table__
    query = select(func.count()).select_from(table).where(table.c.seq <= seq)
    return int(session.execute(query).scalar_one())


def iterate_all(
    session: Session, batch: int = 1000, after: int = 0, up_to: int | None = None
) -> Iterator[Row[Any]]:
    """Every event in sequence order as plain rows, fetched in batches so memory stays flat
    (those after seq `after` up to `up_to` inclusive, for a period's stretch of the chain)."""
    table = AuditEvent.__table__
    last = after
    while True:
        query = select(table).where(table.c.seq > last)
        if up_to is not None:
            query = query.where(table.c.seq <= up_to)
        rows = list(session.execute(query.order_by(table.c.seq).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
