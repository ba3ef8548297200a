"""Shapes for legal holds: the scope a request sends, a hold as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callwarden.kit.inputs import RequestModel, Timestamp
from callwarden.models import LegalHold


class TimeRange(RequestModel):
    """On the call's start: from (inclusive) and to (exclusive); either may be left out."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    since: Timestamp | None = Field(default=None, alias="from")
    until: Timestamp | None = Field(default=None, alias="to")


class SearchIn(RequestModel):
    """The query parameters of `GET /v1/recordings`, as a hold keeps them."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    number: str | None = Field(default=None, min_length=1, max_length=32)
    agent: str | None = Field(default=None, min_length=1, max_length=64)
    team: str | None = Field(default=None, min_length=1, max_length=120)
    queue: str | None = Field(default=None, min_length=1, max_length=120)
    jurisdiction: str | None = Field(default=None, min_length=1, max_length=10)
    since: Timestamp | None = Field(default=None, alias="from")
    until: Timestamp | None = Field(default=None, alias="to")
    purpose: str | None = Field(default=None, min_length=1, max_length=64)
    retention_class: str | None = Field(default=None, min_length=1, max_length=64)
    call_id: str | None = Field(default=None, min_length=1, max_length=40)


class ScopeIn(RequestModel):
    """What a hold covers: a recording matching ANY of these is kept."""

    recording_ids: list[str] = Field(default_factory=list, max_length=10_000)
    call_ids: list[str] = Field(default_factory=list, max_length=10_000)
    numbers: list[str] = Field(
        default_factory=list, max_length=10_000, description="E.164, e.g. +442071838750"
    )
    agents: list[str] = Field(default_factory=list, max_length=10_000, description="Usernames.")
    teams: list[str] = Field(default_factory=list, max_length=10_000, description="Team names.")
    started: TimeRange | None = None
    search: SearchIn | None = None

    def as_data(self) -> dict[str, Any]:
        """The JSON form `retention.scope.parse` reads (times as ISO text)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


BROAD = Field(
    default=False,
    description="Required (true) when the scope keeps more than CALLWARDEN_HOLD_BROAD_SCOPE "
    "recordings or its time range is open at one end; otherwise 409 confirm_broad_required "
    "states the count.",
)


class HoldIn(RequestModel):
    matter: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=4, max_length=1000)
    scope: ScopeIn
    confirm_broad: bool = BROAD


class ScopeChange(RequestModel):
    scope: ScopeIn
    reason: str = Field(min_length=4, max_length=1000)
    confirm_broad: bool = BROAD


class Release(RequestModel):
    reason: str = Field(min_length=4, max_length=1000)


class HoldOut(BaseModel):
    hold_id: str
    matter: str
    reason: str
    scope: dict[str, Any]
    active: bool
    created_by: str
    created_at: datetime
    released_at: datetime | None
    released_by: str | None
    release_reason: str | None


class RecordingHolds(BaseModel):
    recording_id: str
    holds: list[HoldOut]


def describe(hold: LegalHold) -> dict[str, Any]:
    return {
        "hold_id": hold.id,
        "matter": hold.matter,
        "reason": hold.reason,
        "scope": hold.scope,
        "active": hold.released_at is None,
        "created_by": hold.created_by,
        "created_at": hold.created_at.isoformat(),
        "released_at": hold.released_at.isoformat() if hold.released_at else None,
        "released_by": hold.released_by,
        "release_reason": hold.release_reason,
    }
