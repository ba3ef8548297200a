"""API shapes for the checks: the registry, runs, and their findings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from callwarden.kit.inputs import RequestModel, Timestamp


class CheckOut(BaseModel):
    name: str
    title: str
    description: str


class RunIn(RequestModel):
    """The period to check, [start, end); default: yesterday (UTC). `checks`: default all."""

    start: Timestamp | None = None
    end: Timestamp | None = None
    checks: list[str] | None = Field(default=None, max_length=50)


class RunOut(BaseModel):
    run_id: str
    period_start: str
    period_end: str
    checks: list[str]
    started_by: str
    started_at: str
    finished_at: str | None
    counts: dict[str, int]
    errors: dict[str, str]


class CheckFindingOut(BaseModel):
    finding_id: int
    check: str
    key: str
    severity: str
    status: str
    summary: str
    detail: str
    evidence: dict[str, Any]
    rule: dict[str, Any]
    first_seen_run_id: str
    last_seen_run_id: str
    created_at: str
    last_seen_at: str
    status_reason: str | None
    status_by: str | None
    status_at: str | None
    risk_expires_at: str | None
    risk_expired: bool
