"""Writing to and reading from the audit trail.

`record()` is called by every service that changes something a compliance officer cares about,
inside the same session (and so the same transaction) as the change itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from callwarden.audit import repository
from callwarden.audit.chain import ChainEntry, ChainReport, canonical_content, link_hash, walk
from callwarden.audit.repository import EventFilter as EventFilter  # the filter callers pass
from callwarden.kit import clock
from callwarden.kit.pagination import Slice
from callwarden.models import AuditEvent

# session.info key: (seq, hash) of each event this transaction appended, for the hook that
# signs checkpoints after the commit (audit/checkpointing.py).
APPENDED = "audit.appended"


@dataclass(frozen=True, slots=True)
class Recorded:
    """Where an event landed in the chain."""

    seq: int
    hash: str


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> Recorded:
    """Append one event to the chain in the caller's transaction."""
    head_seq, head_hash = repository.lock_head(session)
    seq = head_seq + 1
    occurred_at = clock.now()
    payload = data or {}
    content = canonical_content(seq, occurred_at, actor, action, target, reason, payload)
    event_hash = link_hash(head_hash, content)
    repository.append(
        session,
        {
            "seq": seq,
            "occurred_at": occurred_at,
            "actor": actor,
            "action": action,
            "target": target,
            "reason": reason,
            "data": payload,
            "prev_hash": head_hash,
            "hash": event_hash,
        },
    )
    session.info.setdefault(APPENDED, []).append((seq, event_hash))
    return Recorded(seq, event_hash)


@dataclass(frozen=True, slots=True)
class Event:
    """One event to append with `record_many`."""

    actor: str
    action: str
    target: str
    reason: str | None = None
    data: dict[str, Any] | None = None


def record_many(session: Session, events: Sequence[Event]) -> list[Recorded]:
    """Append events in order in the caller's transaction: the chain exactly as `record` one by
    one would make it, with one head lock and one batched insert (a disposal batch audits each
    of its hundreds of recordings)."""
    if not events:
        return []
    head_seq, head_hash = repository.lock_head(session)
    occurred_at = clock.now()
    rows, landed = [], []
    for offset, event in enumerate(events, start=1):
        seq, payload = head_seq + offset, event.data or {}
        content = canonical_content(
            seq, occurred_at, event.actor, event.action, event.target, event.reason, payload
        )
        event_hash = link_hash(head_hash, content)
        rows.append(
            {
                "seq": seq,
                "occurred_at": occurred_at,
                "actor": event.actor,
                "action": event.action,
                "target": event.target,
                "reason": event.reason,
                "data": payload,
                "prev_hash": head_hash,
                "hash": event_hash,
            }
        )
        landed.append(Recorded(seq, event_hash))
        head_hash = event_hash
    repository.append_many(session, rows)
    session.info.setdefault(APPENDED, []).extend((r.seq, r.hash) for r in landed)
    return landed


def find(
    session: Session,
    where: EventFilter,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
) -> Slice[AuditEvent]:
    """A page of events, oldest first (the API's order, for a reader catching up) or newest
    first (the console's, for a person looking at what just happened); `cursor` is the
    previous page's next cursor in the same order."""
    return repository.find_events(session, where, cursor, limit, newest_first)


def event(session: Session, seq: int) -> AuditEvent | None:
    """One event by its place in the chain (to check what an earlier step recorded)."""
    return repository.get_event(session, seq)


class StoredEvent(Protocol):
    """An audit event as stored: an ORM object or a plain row, both have these attributes."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    target: str
    reason: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


def as_entry(event: StoredEvent) -> ChainEntry:
    return ChainEntry(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        target=event.target,
        reason=event.reason,
        data=event.data,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def verify(
    session: Session,
    on_start: Callable[[int], None] | None = None,
    on_event: Callable[[], None] | None = None,
) -> ChainReport:
    """Re-walk the stored chain from the genesis against the stored head.

    `on_start(total)` and `on_event()` let a caller show progress (the CLI's bar).
    """
    head = repository.read_head(session)
    if on_start is not None:
        on_start(head.seq if head else 0)

    def entries() -> Iterator[ChainEntry]:
        for row in repository.iterate_all(session):
            if on_event is not None:
                on_event()
            yield as_entry(row)

    if head is None:
        return walk(entries())
    return walk(entries(), head_seq=head.seq, head_hash=head.hash)


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Every event as a plain dict, in chain order, for JSON Lines export."""
    for event in repository.iterate_all(session):
        yield event_dict(event)


def event_dict(event: StoredEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "reason": event.reason,
        "data": event.data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
