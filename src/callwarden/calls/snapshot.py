"""A call as the vault sees it at intake: the consent ledger's state, read without the ORM.

Intake reads this for every upload, and an ORM load of a call with its parties costs more than
sealing a minute of audio; two plain selects of the columns admission and indexing use do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class PartySnapshot:
    key: str
    role: str
    number: str | None
    jurisdiction: str | None
    needs_consent: bool
    consent_status: str
    needs_notice: bool = False
    notice_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    """An accepted ledger event, with what admission reads of it."""

    kind: str
    occurred_at: datetime
    offset_s: float | None


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    id: str
    direction: str
    facts: dict[str, Any]
    record_decision: str
    halted: str | None
    on_withdrawal: str
    on_missing_notice: str
    decision_id: str
    policy_version: int
    started_at: datetime
    agent_user_id: str | None  # the agent named when the call was created, if any
    team_id: str | None
    parties: tuple[PartySnapshot, ...]


@dataclass(frozen=True, slots=True)
class PartyLine:
    role: str
    jurisdiction: str | None


@dataclass(frozen=True, slots=True)
class CallLine:
    """One call of a list (the API's, the CLI's, the console's): the columns a list shows, read
    as plain rows. A page of ORM calls, each with its parties, cost several times the query."""

    id: str
    direction: str
    state: str
    record_decision: str
    recording_state: str
    started_at: datetime
    external_id: str | None
    queue: str | None
    parties: tuple[PartyLine, ...]
