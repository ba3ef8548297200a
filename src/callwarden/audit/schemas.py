"""API shapes for the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    target: str
    reason: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class ChainStatus(BaseModel):
    ok: bool
    checked: int
    last_seq: int
    broken_at: int | None
    problem: str | None
    checkpoints_checked: int = Field(description="Signed checkpoints that matched the chain.")
    last_checkpoint_seq: int | None = Field(description="The newest checkpointed event.")
