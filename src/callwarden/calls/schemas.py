"""API shapes for call sessions and their events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from callwarden.decisions.facts import CallFactsIn, JurisdictionSource, PartyRole

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
    external_id: str | None = Field(default=None, max_length=200)
    agent: str | None = Field(
        default=None,
        max_length=64,
        description="The agent's callwarden username: the agent and their team's supervisors "
        "may then read the call.",
    )
    started_at: AwareDatetime | None = Field(
        default=None, description="When the call began on the phone system's clock; default now."
    )


class NewParty(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str | None = KeyText
    role: PartyRole
    number: str | None = Field(default=None, max_length=32)
    jurisdiction: str | None = Field(default=None, max_length=10)
    language: str | None = Field(default=None, max_length=35)
    jurisdiction_source: JurisdictionSource = "explicit"


class EventIn(BaseModel):
    """Something that happened on the call, reported by the phone system."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: str = Field(
        min_length=1, max_length=120, description="Client's id; repeats are idempotent."
    )
    kind: EventKind
    occurred_at: AwareDatetime
    party: str | None = KeyText
    method: Method | None = None
    script_id: str | None = Field(default=None, max_length=64)
    offset_s: float | None = Field(
        default=None, ge=0, le=86_400, description="Position in the recording."
    )
    digit: str | None = Field(default=None, pattern=r"^[0-9*#A-D]$")
    reason: str | None = Field(default=None, max_length=200)
    max_duration_s: int | None = Field(default=None, ge=1, le=86_400)
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
