"""Training: published course versions, the assignments they make, quiz attempts, and
acknowledgements of policy versions.

An assignment is named by its `subject` ("course:<version id>" or "policy:<number>") and its
`round` (1, then 2 when a recurrence comes due): one row per user, subject and round, so
publishing or assigning again is idempotent and a set-based insert can skip who has one. The
acknowledgement keeps the sha256 of the exact text the user was shown, so the business can
later show what they agreed to, not merely that they clicked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class TrainingCourseVersion(Base):
    __tablename__ = "training_course_versions"
    __table_args__ = (UniqueConstraint("course", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    course: Mapped[str] = mapped_column(String(64), index=True)  # the document's `id`
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the validated course, as loaded
    source: Mapped[str] = mapped_column(Text)  # the YAML as given, for the record
    fingerprint: Mapped[str] = mapped_column(String(64))  # training.course.fingerprint
    published_by: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrainingAssignment(Base):
    __tablename__ = "training_assignments"
    __table_args__ = (UniqueConstraint("user_id", "subject", "round"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)  # course:<id> | policy:<n>
    round: Mapped[int] = mapped_column(Integer)
    course_version_id: Mapped[str | None] = mapped_column(
        ForeignKey("training_course_versions.id"), index=True
    )
    policy_version: Mapped[int | None] = mapped_column(
        ForeignKey("policy_versions.version"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))  # published|joined_team|new_role|recurrence
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # assigned|completed
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TrainingAttempt(Base):
    __tablename__ = "training_attempts"
    __table_args__ = (UniqueConstraint("assignment_id", "number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    assignment_id: Mapped[str] = mapped_column(ForeignKey("training_assignments.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ...: a second form sent races here
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # question id to chosen option ids
    earned: Mapped[int] = mapped_column(Integer)
    possible: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)  # percentage, 0-100
    passed: Mapped[bool] = mapped_column(Boolean)
    review: Mapped[list[str]] = mapped_column(JSON)  # module ids to read again
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class PolicyAcknowledgement(Base):
    __tablename__ = "policy_acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "policy_version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    policy_version: Mapped[int] = mapped_column(ForeignKey("policy_versions.version"), index=True)
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the text as rendered for staff
    at: Mapped[datetime] = mapped_column(UtcDateTime)
