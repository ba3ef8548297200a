"""Stored policy versions: the exact text applied, its hash, who applied it and from when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class PolicyVersion(Base):
    __tablename__ = "policy_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_name: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any]] = mapped_column(JSON)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    law_version: Mapped[str] = mapped_column(String(80))
    applied_by: Mapped[str] = mapped_column(String(120))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # When the recordings' schedules were recomputed under this version (None: not yet, e.g. a
    # version applied to take effect later).
    rescheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
