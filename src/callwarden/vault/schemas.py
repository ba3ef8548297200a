"""API shapes for recordings: what a recording's metadata, a search page and an assignment say."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class RecordingParty(BaseModel):
    party: str
    role: str
    number: str | None
    jurisdiction: str | None


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
    legal_hold: bool
    private: bool
    queue: str | None
    direction: str
    jurisdictions: list[str]
    pauses: list[dict[str, Any]]
    started_at: datetime
    parties: list[RecordingParty]
    verified_at: datetime | None = Field(description="The last full integrity check.")
    damaged_at: datetime | None = Field(description="When an integrity failure was first met.")
    damage: str | None = Field(description="What failed, while the recording is marked damaged.")


class RecordingPage(BaseModel):
    recordings: list[RecordingOut]
    next_after: str | None


class AssignmentOut(BaseModel):
    recording_id: str
    reviewer: str
    assigned_at: datetime
