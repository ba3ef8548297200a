"""The SQL of the transparency pages: who opened the recordings of one person's calls.

It reads the audit trail (the record of every play and download) and the recordings' agent,
and writes nothing. One row per listener, recording, reason and kind of access: a console
listen is a reason given once and then one `recording.played` event per range the player
fetches, which a person reads as one listen, not as a dozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Subquery, case, func, literal, select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import AuditEvent, Recording

PLAYED = "recording.played"
GRANTED = "recording.listening_granted"  # the reason given before a console listen
EXPORTED = "recording.exported"
PREFIX = "recording:"


@dataclass(frozen=True, slots=True)
class AccessRow:
    actor: str
    role: str | None
    target: str
    reason: str | None
    kind: str  # "played" or "downloaded"
    first_at: datetime
    last_at: datetime
    requests: int
    last_seq: int


def _grouped(agent_user_id: str, not_actor: str | None) -> Subquery:
    kind = case((AuditEvent.action == EXPORTED, "downloaded"), else_="played")
    role = AuditEvent.data["role"].as_string()
    mine = select(literal(PREFIX, String).concat(Recording.id)).where(
        Recording.agent_user_id == agent_user_id
    )
    query = select(
        AuditEvent.actor.label("actor"),
        role.label("role"),
        AuditEvent.target.label("target"),
        AuditEvent.reason.label("reason"),
        kind.label("kind"),
        func.min(AuditEvent.occurred_at).label("first_at"),
        func.max(AuditEvent.occurred_at).label("last_at"),
        func.count().label("requests"),
        func.max(AuditEvent.seq).label("last_seq"),
    ).where(
        AuditEvent.action.in_((PLAYED, GRANTED, EXPORTED)),
        AuditEvent.target.in_(mine),
    )
    if not_actor is not None:
        query = query.where(AuditEvent.actor != not_actor)
    return query.group_by(
        AuditEvent.actor, role, AuditEvent.target, AuditEvent.reason, kind
    ).subquery("access")


def access_to_recordings_of(
    session: Session, agent_user_id: str, not_actor: str | None, cursor: str | None, limit: int
) -> Slice[AccessRow]:
    """The plays and downloads of the recordings whose agent is `agent_user_id` (by anyone
    but `not_actor`), newest first by the last event of each group, one page."""
    grouped = _grouped(agent_user_id, not_actor)
    order = Keyset("recording_access_newest", (grouped.c.last_seq,), descending=True)
    query = order.apply(select(grouped), cursor, limit)
    rows = [AccessRow(**row._mapping) for row in session.execute(query)]
    return order.page(rows, limit)
