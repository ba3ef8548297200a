"""API shapes for call sessions and their events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from callwarden.decisions.facts import CallFactsIn, JurisdictionSource, PartyRole
from callwarden.kit.inputs import WHOLE_NUMBER, RequestModel, Timestamp

EventKind = Literal[
    "notice_played",
    "consent_given",
    "consent_declined",
    "consent_withdrawn",
    "beep_tone",
    "recording_started",
    "recording_paused",
    "recording_resumed",
    "recording_stopped",
    "party_joined",
    "party_left",
    "transferred",
    "call_ended",
]
Method = Literal["dtmf", "speech", "written", "implied"]
KeyText = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")


class CallCreate(CallFactsIn):
    """Call facts plus where the call comes from; `external_id` makes creation idempotent."""

    source: str = Field(default="api", max_length=40, pattern=r"^[a-z0-9_-]+$")
    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    agent: str | None = Field(
        default=None,
        max_length=64,
        description="The agent's callwarden username: the agent and their team's supervisors "
        "may then read the call.",
    )
    started_at: Timestamp | None = Field(
        default=None, description="When the call began on the phone system's clock; default now."
    )


class NewParty(RequestModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    key: str | None = KeyText
    role: PartyRole
    number: str | None = Field(default=None, max_length=32)
    jurisdiction: str | None = Field(default=None, max_length=10)
    language: str | None = Field(default=None, max_length=35)
    jurisdiction_source: JurisdictionSource = "explicit"


class EventIn(RequestModel):
    """Something that happened on the call, reported by the phone system."""

    model_config = ConfigDict(str_strip_whitespace=True)

    event_id: str = Field(
        min_length=1, max_length=120, description="Client's id; repeats are idempotent."
    )
    kind: EventKind
    occurred_at: Timestamp
    party: str | None = KeyText
    method: Method | None = None
    script_id: str | None = Field(default=None, max_length=64)
    offset_s: float | None = Field(
        default=None, ge=0, le=86_400, description="Position in the recording."
    )
    digit: str | None = Field(default=None, pattern=r"^[0-9*#A-D]$")
    reason: str | None = Field(default=None, max_length=200)
    max_duration_s: Annotated[int, Field(strict=False, ge=1, le=86_400), WHOLE_NUMBER] | None = None
    new_party: NewParty | None = None
    queue: str | None = Field(default=None, max_length=120)


class PartyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    role: str
    number: str | None
    jurisdiction: str | None
    location_source: str
    rule: str
    language: str | None
    needs_notice: bool
    needs_consent: bool
    notice_script_id: str | None
    notice_at: datetime | None
    consent_status: str
    consent_at: datetime | None
    consent_method: str | None
    joined_at: datetime
    left_at: datetime | None


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_event_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    party_key: str | None
    method: str | None
    script_id: str | None
    offset_s: float | None
    accepted: bool
    violation: str | None
    reported_by: str


class _Open(BaseModel):
    """A response whose nested parts are documented where they are defined (the plan, the
    decision); fields not named here may be added without breaking clients."""

    model_config = ConfigDict(extra="allow")


class CallCreated(_Open):
    call_id: str
    state: str
    decision: dict[str, Any]
    plan: dict[str, Any]


class EventAccepted(_Open):
    accepted: bool
    duplicate: bool
    message: str
    plan_changed: bool
    plan: dict[str, Any]
    state: str
    recording_state: str


class CallSummary(BaseModel):
    call_id: str
    direction: str
    state: str
    record: str
    recording_state: str
    started_at: datetime
    external_id: str | None


class CallDetail(_Open):
    call_id: str
    source: str
    external_id: str | None
    direction: str
    state: str
    recording_state: str
    parties: list[dict[str, Any]]
    decision: dict[str, Any]
    plan: dict[str, Any]
    events: list[dict[str, Any]]
    pauses: list[dict[str, Any]]
    violations: int


class ConsentEvidence(_Open):
    call_id: str
    decision_id: str
    policy_version: int
    governing_rule: str
    record: str
    parties: list[dict[str, Any]]
    pauses: list[dict[str, Any]]
    violations: list[dict[str, Any]]
