"""Shapes for recordings: what a recording's metadata, a search page and an assignment say, the
search filter, and how a row is described (metadata only, never audio)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from callwarden.models import Recording


class RecordingParty(BaseModel):
    party: str
    role: str
    number: str | None
    jurisdiction: str | None


class RetentionRule(BaseModel):
    id: str
    citation: str


class RetentionReason(BaseModel):
    text: str
    rules: list[RetentionRule]


class RetentionOut(BaseModel):
    """A recording's schedule: when it may go, when it must, when the sweep takes it, and why."""

    earliest: datetime | None
    latest: datetime | None
    due: datetime | None
    dispose_at: str | None = Field(description="`earliest` or `latest`, as the policy says.")
    reasons: list[RetentionReason]
    policy_version: int | None
    disposed_at: datetime | None


class RecordingOut(BaseModel):
    recording_id: str
    call_id: str
    state: str
    format: str
    codec: str
    content_type: str
    sample_rate: int
    channels: int
    channel_map: list[str]
    duration_s: float
    sha256: str
    size: int
    original_sha256: str
    trimmed_to_s: float | None
    purposes: list[str]
    retention_class: str | None
    retain_until: datetime | None
    legal_hold: bool | None = Field(
        description="Whether an active legal hold keeps it, judged at the time of asking; "
        "null where not judged (a search page, an upload's answer): ask GET /v1/recordings/{id}."
    )
    retention: RetentionOut
    private: bool
    protections: list[str] = Field(
        default_factory=list,
        description='What open cases do to it, by case number only ("restricted by case '
        'CASE-0003": only its agent and the case\'s handlers may play it; "held by case '
        'CASE-0004": a legal hold keeps it); judged at the time of asking, empty where not '
        "judged (a search page, an upload's answer).",
    )
    queue: str | None
    direction: str
    jurisdictions: list[str]
    pauses: list[dict[str, Any]]
    started_at: datetime
    verified_at: datetime | None
    damaged_at: datetime | None
    damage: str | None
    parties: list[RecordingParty]


class AssignmentOut(BaseModel):
    recording_id: str
    reviewer: str
    assigned_at: datetime


@dataclass(frozen=True)
class SearchFilter:
    """What a recordings search may ask for (the page's cursor travels beside it)."""

    number: str | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    jurisdiction: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    purpose: str | None = None
    retention_class: str | None = None
    call_id: str | None = None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(
    recording: Recording, held: bool | None = None, dispose_at: str | None = None
) -> dict[str, Any]:
    """The recording as the API shows it (`RecordingOut`), from its row and parties.

    `held` is the holds' answer now (`retention.holds`), never the row's old `legal_hold`
    column, which no hold keeps up to date; `dispose_at` is its policy version's choice.
    """
    return {
        "recording_id": recording.id,
        "call_id": recording.call_id,
        "state": recording.state,
        "format": recording.format,
        "codec": recording.codec,
        "content_type": recording.content_type,
        "sample_rate": recording.sample_rate,
        "channels": recording.channels,
        "channel_map": recording.channel_map,
        "duration_s": recording.duration_s,
        "sha256": recording.sha256,
        "size": recording.size,
        "original_sha256": recording.original_sha256,
        "trimmed_to_s": recording.trimmed_to_s,
        "purposes": recording.purposes,
        "retention_class": recording.retention_class,
        "retain_until": recording.retain_until.isoformat() if recording.retain_until else None,
        "legal_hold": held,
        "retention": {
            "earliest": _moment(recording.retain_until),
            "latest": _moment(recording.dispose_by),
            "due": _moment(recording.disposal_due),
            "dispose_at": dispose_at,
            "reasons": recording.retention_reasons or [],
            "policy_version": recording.retention_policy_version,
            "disposed_at": _moment(recording.disposed_at),
        },
        "private": recording.private,
        "queue": recording.queue,
        "direction": recording.direction,
        "jurisdictions": recording.jurisdictions,
        "pauses": recording.pauses,
        "started_at": recording.started_at.isoformat(),
        "verified_at": _moment(recording.verified_at),
        "damaged_at": _moment(recording.damaged_at),
        "damage": recording.damage,
        "parties": [
            {
                "party": p.party_key,
                "role": p.role,
                "number": p.number,
                "jurisdiction": p.jurisdiction,
            }
            for p in recording.parties
        ],
    }
