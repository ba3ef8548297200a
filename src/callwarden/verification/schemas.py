"""API shapes for findings: what a check found, and where working it has got to."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class FindingOut(BaseModel):
    finding_id: int
    recording_id: str
    check: str
    kind: str
    severity: str
    status: str
    summary: str
    channel: int | None
    start_s: float | None
    end_s: float | None
    detail: dict[str, Any]
    created_at: str
    status_reason: str | None
    status_by: str | None
    status_at: str | None
    risk_expires_at: str | None
    risk_expired: bool


class RecordingFindings(BaseModel):
    recording_id: str
    analysed_at: str | None
    analysis_error: str | None
    findings: list[FindingOut]
