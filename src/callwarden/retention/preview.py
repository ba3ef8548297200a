"""What applying a policy draft would do to the stored recordings' schedules, before it is applied.

The same comparison as re-scheduling (`rescheduling.planned`), written nowhere: how many
recordings' disposal would move earlier or later or stay, how many would become due at once (due
by `as_of` under the draft and not before it), and which active legal holds would keep some of
those (the sweep never takes a held recording, so the preview names them). The CLI's `callwarden
retention preview` and the console's policy page both call `preview`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from callwarden.decisions.compiled import CompiledPolicy
from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import load_knowledge_base
from callwarden.policy.schema import PolicyDocument
from callwarden.retention import holds, repository
from callwarden.retention.rescheduling import move, planned
from callwarden.retention.scope import moment

DRAFT_VERSION = 0  # a draft has no number yet; its reasons are not shown or kept


@dataclass(frozen=True, slots=True)
class HeldBack:
    """An active hold that would keep some of the recordings the draft makes due at once."""

    hold_id: str
    matter: str
    count: int


@dataclass(frozen=True, slots=True)
class Preview:
    as_of: datetime
    earlier: int
    later: int
    unchanged: int
    not_concerned: int
    due_at_once: int
    already_due: int
    kept_by_holds: int
    holds: list[HeldBack] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["as_of"] = self.as_of.isoformat()
        return found


def as_of_moment(text: str) -> datetime:
    """`--as-of`: a date (its midnight, UTC) or an ISO 8601 date-time with a time zone."""
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(0), tzinfo=UTC)
    except ValueError:
        pass
    return moment(text.strip(), "as of")


def preview(session: Session, document: PolicyDocument, as_of: datetime) -> Preview:
    """What applying `document` (already validated) would move, judged at `as_of`."""
    if as_of.tzinfo is None:
        raise InvalidInput("as of needs a time zone")
    policy = CompiledPolicy.build(document, DRAFT_VERSION, load_knowledge_base())
    counts = {"earlier": 0, "later": 0, "unchanged": 0, "not_concerned": 0, "already_due": 0}
    due_now: list[str] = []
    for batch in planned(session, policy):
        for stored, new in batch:
            if new is None:
                counts["not_concerned"] += 1
                continue
            counts[move(stored.disposal_due, new.disposal_due)] += 1
            if new.disposal_due is None or new.disposal_due > as_of:
                continue
            if stored.disposal_due is not None and stored.disposal_due <= as_of:
                counts["already_due"] += 1
            else:
                due_now.append(stored.recording_id)
    held: dict[str, tuple[str, int]] = {}
    kept = 0
    # Judging holds costs a few reads per recording: none at all when no hold is active.
    for recording_id in due_now if repository.active(session) else ():
        covering = holds.holds_covering(session, recording_id)
        kept += bool(covering)
        for hold in covering:
            matter, count = held.get(hold.id, (hold.matter, 0))
            held[hold.id] = (matter, count + 1)
    return Preview(
        as_of=as_of,
        due_at_once=len(due_now),
        kept_by_holds=kept,
        holds=[HeldBack(hold_id, matter, count) for hold_id, (matter, count) in held.items()],
        **counts,
    )
