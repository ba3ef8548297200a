"""QA review: scorecards (versioned YAML), sampling plans, and the evaluations they assign.

A plan keeps its seed and the population it drew from, so anyone can draw the same sample again
and see that nobody picked the calls by hand. An evaluation row exists from the moment a
recording is assigned to a reviewer; it gains answers when submitted and an acknowledgement
when the agent has read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class QaScorecard(Base):
    __tablename__ = "qa_scorecards"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the validated card, as loaded
    source: Mapped[str] = mapped_column(Text)  # the YAML as given, for the record
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QaPlan(Base):
    __tablename__ = "qa_plans"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    scorecard_id: Mapped[str] = mapped_column(ForeignKey("qa_scorecards.id"), index=True)
    period_from: Mapped[datetime] = mapped_column(UtcDateTime)
    period_to: Mapped[datetime] = mapped_column(UtcDateTime)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    strata: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # each stratum: key, size, drawn
    unassigned: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # sampled, no reviewer may
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QaEvaluation(Base):
    __tablename__ = "qa_evaluations"
    # One first evaluation per recording and plan; a re-done one (`redo_of`) joins it.
    __table_args__ = (
        Index(
            "uq_qa_evaluations_plan_recording_first",
            "plan_id",
            "recording_id",
            unique=True,
            sqlite_where=text("redo_of IS NULL"),
            postgresql_where=text("redo_of IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("qa_plans.id"), index=True)
    scorecard_id: Mapped[str] = mapped_column(ForeignKey("qa_scorecards.id"))
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    reviewer_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    agent_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # assigned|submitted|acknowledged
    answers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    failed_compliance: Mapped[list[str] | None] = mapped_column(JSON)
    summary: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledgement: Mapped[str | None] = mapped_column(Text)
    # an upheld evaluation dispute re-does it by another reviewer: the new one names this one,
    # and this one keeps its score for the history but no longer counts in the rates
    redo_of: Mapped[str | None] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
