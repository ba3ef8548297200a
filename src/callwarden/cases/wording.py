"""A case in words for people: its number, kind, state and outcome as the check, the report
and the case's PDF write them, so the three never name the same thing differently.

Values that are not known here (a kind added later) are shown as stored, never dropped.
"""

from __future__ import annotations

from callwarden.models import case_label

KINDS: dict[str, str] = {
    "concern": "concern about recording",
    "private_call": "private call",
    "evaluation_dispute": "evaluation dispute",
    "recording_dispute": "recording dispute",
}
PLURALS: dict[str, str] = {
    "concern": "concerns about recording",
    "private_call": "private calls",
    "evaluation_dispute": "evaluation disputes",
    "recording_dispute": "recording disputes",
}
STATES: dict[str, str] = {
    "open": "open",
    "in_review": "in review",
    "decided": "decided",
    "closed": "closed",
}
OUTCOMES: dict[str, str] = {
    "upheld": "upheld",
    "partly_upheld": "partly upheld",
    "not_upheld": "not upheld",
}
UNDECIDED = ("open", "in_review")  # the states in which a case still awaits its decision


def number(value: int) -> str:
    """ "CASE-0007": how people refer to a case (`Case.number`)."""
    return case_label(value)


def kind(value: str) -> str:
    return KINDS.get(value, value)


def kinds(value: str, count: int) -> str:
    """ "1 private call", "3 private calls"."""
    return f"{count} {kind(value) if count == 1 else PLURALS.get(value, value)}"


def state(value: str) -> str:
    return STATES.get(value, value)


def outcome(value: str | None) -> str:
    return "—" if value is None else OUTCOMES.get(value, value)
