"""Periodic compliance checks: each run, and the findings the checks made.

A run is a row (its period, which checks, who started it, counts per severity, and the error of
any check that failed). A periodic finding is about whatever a check looked at (a call, a user, a
hold, the installation), so it is its own table rather than the audio `findings` table, which
belongs to one recording. A finding is identified by its check and its `key`: the same thing
found in a later run updates `last_seen_run_id` on the same row, never a second row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class CheckRun(Base):
    __tablename__ = "check_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    checks: Mapped[list[str]] = mapped_column(JSON)
    started_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # {"high": 2, "low": 1, ...}: what the run found (new and seen again), per severity.
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    # {"check name": "what went wrong"} for each check that raised; the others still ran.
    errors: Mapped[dict[str, str]] = mapped_column(JSON)


class CheckFinding(Base):
    """One thing a periodic check found; its lifecycle columns match the audio findings'."""

    __tablename__ = "check_findings"
    __table_args__ = (UniqueConstraint("check_name", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    check_name: Mapped[str] = mapped_column(String(40), index=True)
    key: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(String(500))
    detail: Mapped[str] = mapped_column(String(2000), default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_seen_run_id: Mapped[str] = mapped_column(ForeignKey("check_runs.id"), index=True)
    last_seen_run_id: Mapped[str] = mapped_column(ForeignKey("check_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    risk_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
