"""Re-scheduling: a policy version's retention applied to every recording already stored.

A policy change moves the schedule of what it concerns, in the transaction that applies it and
under one audit event (the counts, not a million events): a recording's schedule must never say
one policy while another is in force. A recording is concerned when the new version still
defines at least one of its purposes; one whose purposes are all gone keeps the schedule it had
(nothing in the new version speaks for it), and is counted as such.

The same comparison, without writing, is the preview (`retention.preview`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.recordings import schedules
from callwarden.recordings.schedules import Scheduled
from callwarden.retention.schedule import RetentionSchedule, Rules, rules_for, schedule

Move = Literal["earlier", "later", "unchanged"]


@dataclass
class Moves:
    """How many recordings a policy change moves, by which way their disposal moment goes."""

    earlier: int = 0
    later: int = 0
    unchanged: int = 0
    not_concerned: int = 0
    policy_version: int | None = None

    def count(self, move: Move) -> None:
        setattr(self, move, getattr(self, move) + 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def replan(
    policy: CompiledPolicy, stored: Scheduled, gathered: dict[tuple[str, ...], Rules] | None = None
) -> RetentionSchedule | None:
    """The schedule `policy` gives a stored recording (None: it has none of its purposes).

    `gathered` remembers the rules per set of purposes: a million rows share a few sets.
    """
    known = tuple(name for name in stored.purposes if name in policy.document.purposes)
    if not known:
        return None
    cache = gathered if gathered is not None else {}
    rules = cache.get(known)
    if rules is None:
        rules = cache[known] = rules_for(policy, known)
    return schedule(policy, known, stored.started_at, rules)


def move(before: datetime | None, after: datetime | None) -> Move:
    """Which way the disposal moment went (no moment at all counts as never)."""
    if before == after:
        return "unchanged"
    if after is None:
        return "later"
    if before is None:
        return "earlier"
    return "earlier" if after < before else "later"


def planned(
    session: Session, policy: CompiledPolicy
) -> Iterator[list[tuple[Scheduled, RetentionSchedule | None]]]:
    """Every stored recording with the schedule `policy` would give it, a batch at a time."""
    gathered: dict[tuple[str, ...], Rules] = {}
    for batch in schedules.batches(session):
        yield [(stored, replan(policy, stored, gathered)) for stored in batch]


def _columns(new: RetentionSchedule) -> dict[str, Any]:
    return {
        "retention_class": new.retention_class,
        "retain_until": new.retain_until,
        "dispose_by": new.dispose_by,
        "disposal_due": new.disposal_due,
        "retention_reasons": new.reasons,
        "retention_policy_version": new.policy_version,
    }


def reschedule(session: Session, policy: CompiledPolicy, actor: str) -> Moves:
    """Write the schedule `policy` gives every stored recording it concerns; audit it once.

    Written in batches of plain UPDATEs (see `recordings.schedules`); the caller's transaction
    holds them all, so a failure leaves every recording as it was.
    """
    moves = Moves(policy_version=policy.version)
    for batch in planned(session, policy):
        changes = []
        for stored, new in batch:
            if new is None:
                moves.not_concerned += 1
                continue
            moves.count(move(stored.disposal_due, new.disposal_due))
            changes.append((stored.recording_id, _columns(new)))
        schedules.store(session, changes)
    audit.record(
        session,
        actor=actor,
        action="retention.rescheduled",
        target=f"policy:{policy.version}",
        data=moves.as_dict(),
    )
    return moves
