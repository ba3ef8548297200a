"""Verifying one period's stretch of the audit chain, for the compliance report.

`audit verify` walks the whole chain from the genesis; a report of one quarter needs only its
own events: they verify when the first links to the stored hash of the event before the period
(its anchor, as the evidence package states it), each links to the one before and matches its
own content, and the stretch ends in the hash a signed checkpoint holds. The checkpoint named
is the first at or after the period's last event (the earliest signature covering every event
of the period); the walk goes on to it, so an edit anywhere in between shows too. Events after
the newest checkpoint are covered by the chain alone until the next one is signed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from callwarden.audit import repository
from callwarden.audit.chain import GENESIS_HASH, MOMENT_FORMAT, content_at, link_hash
from callwarden.audit.checkpoint_logs import open_checkpoint_log
from callwarden.audit.checkpointing import public_key_for
from callwarden.audit.checkpoints import Checkpoint, parse_checkpoint, signed_by
from callwarden.config import Settings
from callwarden.models import AuditEvent

BATCH = 5000


@dataclass(frozen=True, slots=True)
class SpanVerdict:
    verified: bool
    events: int
    first_seq: int | None
    last_seq: int | None
    problem: str | None
    checkpoint_seq: int | None
    checkpoint_at: datetime | None


def _bounds(session: Session, start: datetime, end: datetime) -> tuple[int | None, int | None]:
    first, last = session.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)).where(
            AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end
        )
    ).one()
    return (int(first), int(last)) if first is not None else (None, None)


def _checkpoints(settings: Settings, first: int) -> tuple[list[Checkpoint], str | None]:
    """The readable checkpoints from `first` on, in order, each checked against the key."""
    public = public_key_for(settings)
    kept: list[Checkpoint] = []
    for item in open_checkpoint_log(settings).read():
        try:
            checkpoint = parse_checkpoint(item.text)
        except ValueError as error:
            return [], f"forged checkpoint: {item.origin} is unreadable ({error})"
        if checkpoint.seq < first:
            continue
        if public is None:
            return [], None  # no key on this node: the chain alone is checked
        if not signed_by(checkpoint, public):
            return [], f"forged checkpoint: the checkpoint of event {checkpoint.seq} is not "
            "signed by this installation's key"
        kept.append(checkpoint)
    return sorted(kept, key=lambda c: c.seq), None


def _signed_moment(checkpoint: Checkpoint) -> datetime | None:
    try:
        return datetime.fromisoformat(checkpoint.signed_at.replace("Z", "+00:00"))
    except ValueError:
        return None


def verify_period(
    session: Session, settings: Settings, start: datetime, end: datetime
) -> SpanVerdict:
    """Whether the events of [start, end) verify from their anchor and against the checkpoint
    covering them; `problem` names the first thing wrong."""
    first, last = _bounds(session, start, end)
    if first is None or last is None:
        return SpanVerdict(True, 0, None, None, None, None, None)
    checkpoints, problem = _checkpoints(settings, first)
    covering = next((c for c in checkpoints if c.seq >= last), None)
    through = covering.seq if covering is not None else last
    if problem is None:
        problem = _walk(session, first, through, {c.seq: c for c in checkpoints})
    if covering is None and checkpoints:  # none yet covers the end: name the newest inside
        covering = checkpoints[-1]
    return SpanVerdict(
        verified=problem is None,
        events=last - first + 1,
        first_seq=first,
        last_seq=last,
        problem=problem,
        checkpoint_seq=covering.seq if covering is not None else None,
        checkpoint_at=_signed_moment(covering) if covering is not None else None,
    )


def _anchor(session: Session, first: int) -> tuple[str | None, str | None]:
    """The hash before event `first` (the genesis for the first event), or a problem."""
    if first == 1:
        return GENESIS_HASH, None
    before = repository.get_event(session, first - 1)
    if before is None:
        return None, f"event {first - 1}, the anchor before the period, is missing (deleted?)"
    return before.hash, None


def _walk(session: Session, first: int, through: int, signed: dict[int, Checkpoint]) -> str | None:
    expected_prev, problem = _anchor(session, first)
    if problem is not None:
        return problem
    expected_seq = first
    for seq, moment, actor, action, target, reason, data, prev_hash, hash_ in _events(
        session, first, through
    ):
        if seq != expected_seq:
            return f"event {expected_seq} is missing (deleted?); found event {seq}"
        if prev_hash != expected_prev:
            return (
                f"event {seq} does not follow event {seq - 1} "
                "(its prev_hash does not match: reordered or replaced)"
            )
        content = content_at(seq, moment, actor, action, target, reason, data)
        if link_hash(prev_hash, content) != hash_:
            return f"event {seq} content does not match its hash (edited)"
        checkpoint = signed.get(seq)
        if checkpoint is not None and checkpoint.head_hash != hash_:
            return (
                f"rewritten: event {seq} no longer has the hash signed in its checkpoint "
                f"of {checkpoint.signed_at}"
            )
        expected_seq += 1
        expected_prev = hash_
    if expected_seq <= through:
        return f"the trail ends at event {expected_seq - 1}, before event {through}"
    return None


# Plain SQL, read without SQLAlchemy's result processing: a quarter's trail is hundreds of
# thousands of events, and parsing each stored moment into a datetime only to write it back
# as text cost more than hashing the event (SQLite keeps the UTC moment as text already).
_COLUMNS = "actor, action, target, reason, data, prev_hash, hash FROM audit_events "
_RANGE = "WHERE seq > :after AND seq <= :through ORDER BY seq LIMIT :batch"
_EVENTS = text(f"SELECT seq, occurred_at, {_COLUMNS}{_RANGE}")
# PostgreSQL writes the moment as the content spells it, so no datetime is made per event.
_EVENTS_POSTGRESQL = text(
    "SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', "
    f'\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'), {_COLUMNS}{_RANGE}'
)
Event = tuple[int, str, str, str, str, str | None, dict[str, Any], str, str]


def _moment(value: Any) -> str:
    """The stored moment as the hashed content spells it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(MOMENT_FORMAT)
    stored = str(value)  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff", UTC (models.base.UtcDateTime)
    if len(stored) == 26 and stored[10] == " ":
        return f"{stored[:10]}T{stored[11:]}Z"
    if len(stored) == 27 and stored[10] == "T" and stored[-1] == "Z":  # PostgreSQL's to_char
        return stored
    moment = datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).strftime(MOMENT_FORMAT)


def _events(session: Session, first: int, through: int) -> Iterator[Event]:
    connection = session.connection()
    statement = _EVENTS_POSTGRESQL if connection.dialect.name == "postgresql" else _EVENTS
    after = first - 1
    while after < through:
        rows = connection.execute(
            statement, {"after": after, "through": through, "batch": BATCH}
        ).all()
        if not rows:
            return
        for seq, moment, actor, action, target, reason, data, prev_hash, hash_ in rows:
            payload = json.loads(data) if isinstance(data, str | bytes) else data
            yield (
                int(seq), _moment(moment), actor, action, target, reason, payload,
                prev_hash, hash_,
            )  # fmt: skip
        after = int(rows[-1][0])
