"""The case process as values: its kinds, its states, what each action moves, and the dates.

Pure: no database, so the process can be read (and tested) in one place. A case moves
open → in_review → decided → closed; its reporter may appeal a decision once, within the
policy's window, which sends it back to in_review under another handler. Everything else is
refused with a sentence saying what the case's state allows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from callwarden.kit import working_days
from callwarden.kit.errors import Conflict


class Kind(StrEnum):
    CONCERN = "concern"  # a question or reservation about recording; may be anonymous
    PRIVATE_CALL = "private_call"  # "this recorded call of mine was personal or sensitive"
    EVALUATION_DISPUTE = "evaluation_dispute"  # an agent challenges a QA evaluation
    RECORDING_DISPUTE = "recording_dispute"  # what a recording shows, or how it was made or used


class State(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    CLOSED = "closed"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class Action(StrEnum):
    REVIEW = "review"
    DECIDE = "decide"
    APPEAL = "appeal"
    CLOSE = "close"
    ASSIGN = "assign"
    REPLY = "reply"
    NOTE = "note"
    MESSAGE = "message"


# action -> (the states it may be taken in, the state it leaves the case in; None: unchanged)
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.REVIEW: (frozenset({State.OPEN}), State.IN_REVIEW),
    Action.DECIDE: (frozenset({State.IN_REVIEW}), State.DECIDED),
    Action.APPEAL: (frozenset({State.DECIDED}), State.IN_REVIEW),
    Action.CLOSE: (frozenset({State.DECIDED}), State.CLOSED),
    Action.ASSIGN: (frozenset({State.OPEN, State.IN_REVIEW}), None),
    Action.REPLY: (frozenset({State.OPEN, State.IN_REVIEW, State.DECIDED}), None),
    Action.NOTE: (frozenset({State.OPEN, State.IN_REVIEW, State.DECIDED}), None),
    Action.MESSAGE: (frozenset({State.OPEN, State.IN_REVIEW, State.DECIDED}), None),
}

OUTCOME_WORDS = {
    Outcome.UPHELD: "upheld",
    Outcome.PARTLY_UPHELD: "partly upheld",
    Outcome.NOT_UPHELD: "not upheld",
}
STATE_WORDS = {
    State.OPEN: "open, waiting for review",
    State.IN_REVIEW: "in review",
    State.DECIDED: "decided",
    State.CLOSED: "closed",
}


def next_state(action: Action, current: str) -> State:
    """The state `action` leaves a case in, or Conflict saying why it cannot be taken now."""
    allowed, after = TRANSITIONS[action]
    state = State(current)
    if state not in allowed:
        may = ", ".join(sorted(s.value for s in allowed))
        raise Conflict(
            f"a case that is {STATE_WORDS[state]} cannot take '{action.value}' "
            f"(it may only when {may})"
        )
    return after if after is not None else state


def due_at(filed_at: datetime, answer_within_working_days: int) -> datetime:
    """When a decision is due: the policy's answer time, in working days from filing."""
    return working_days.after(filed_at, answer_within_working_days)


def appeal_until(decided_at: datetime, appeal_within_days: int) -> datetime:
    """The last moment of the reporter's appeal window (calendar days from the decision)."""
    return decided_at + timedelta(days=appeal_within_days)


def check_appeal(*, appealed_at: datetime | None, until: datetime | None, now: datetime) -> None:
    """An appeal is once, within the window; a second one, or a late one, says which it is."""
    if appealed_at is not None:
        raise Conflict("this case was already appealed once; the decision on appeal is final")
    if until is None or now > until:
        raise Conflict(
            "the time to appeal this decision has passed"
            + (f" (it ended {until.isoformat()})" if until is not None else "")
        )
