"""All SQL of the outbox: queueing in bulk, claiming what is due, writing what a try did.

Queueing is one `INSERT ... ON CONFLICT (dedupe_key) DO NOTHING` per batch of rows, on both
databases: 20,000 announcements are ten statements, and a reminder the job already queued is
skipped by the database itself, even when two workers race.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import OutboxMail

BATCH = 2000
_TABLE = cast(Table, OutboxMail.__table__)
LEASE = timedelta(minutes=10)  # a claimed message a crashed sender left is tried again after it
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Message:
    """One mail to queue. `recipient` is an address, or a username the sender completes."""

    dedupe_key: str
    recipient: str
    subject: str
    body: str
    kind: str
    user_id: str | None = None
    link: str | None = None
    not_before: datetime | None = None  # held until then (an announcement of a later version)


def queue(session: Session, messages: Iterable[Message]) -> int:
    """Queue the messages whose dedupe key is new, in batches; how many were new."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    now = clock.now()
    queued = 0
    batch: list[dict[str, Any]] = []

    def flush() -> int:
        if not batch:
            return 0
        keys = [row["dedupe_key"] for row in batch]
        known = select(OutboxMail.dedupe_key).where(OutboxMail.dedupe_key.in_(keys))
        new = len(set(keys) - set(session.execute(known).scalars()))
        statement = module.insert(_TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"])
        session.execute(statement, batch)
        batch.clear()
        return new

    for message in messages:
        batch.append(
            {
                "id": new_id("mail"),
                "dedupe_key": message.dedupe_key,
                "user_id": message.user_id,
                "recipient": message.recipient,
                "subject": message.subject[:200],
                "body": message.body,
                "link": message.link,
                "kind": message.kind,
                "queued_at": now,
                "attempts": 0,
                "next_attempt_at": max(message.not_before or now, now),
                "sent_at": None,
                "last_error": None,
            }
        )
        if len(batch) >= BATCH:
            queued += flush()
    return queued + flush()


def claim_due(session: Session, limit: int) -> list[OutboxMail]:
    """Up to `limit` unsent messages due now, leased to this sender (their next try moved a
    lease ahead) so another worker skips them; on PostgreSQL rows another worker is claiming
    are skipped, not waited for. The lease is what makes a crash cost a resend, never a loss."""
    now = clock.now()
    query = (
        select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.execute(query).scalars())
    for row in rows:
        row.next_attempt_at = now + LEASE
    session.flush()
    return rows


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: a minute, doubling, at most six hours."""
    wait: timedelta = FIRST_WAIT * 2 ** max(0, attempts - 1)
    return min(wait, LONGEST_WAIT)


def mark_sent(session: Session, ids: Sequence[str], at: datetime) -> None:
    if ids:
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids))
            .values(
                sent_at=at,
                next_attempt_at=None,
                attempts=OutboxMail.attempts + 1,
                last_error=None,
            )
        )


def mark_failed(session: Session, failures: dict[str, str], at: datetime) -> None:
    """Record a failed try of each message and when to try it next (its own back-off)."""
    for row in session.execute(select(OutboxMail).where(OutboxMail.id.in_(failures))).scalars():
        row.attempts += 1
        row.last_error = failures[row.id][:2000]
        row.next_attempt_at = at + backoff(row.attempts)
    session.flush()


def pending(session: Session) -> int:
    query = select(func.count()).select_from(OutboxMail).where(OutboxMail.sent_at.is_(None))
    return int(session.execute(query).scalar_one())
