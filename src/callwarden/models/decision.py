"""Persisted decisions: the facts given, the outcome, and the versions of policy and law used."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class DecisionRecord(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_call_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON)
    record: Mapped[str] = mapped_column(String(16))
    governing_rule: Mapped[str] = mapped_column(String(16))
    policy_version: Mapped[int] = mapped_column(Integer, ForeignKey("policy_versions.version"))
    law_version: Mapped[str] = mapped_column(String(80))
