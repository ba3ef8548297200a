"""The API's shapes for training, and how each row is described.

A course is described with its public questions only (`quiz.public_questions`): the right
answers are never in any answer this API gives, so no page built from it can leak them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from callwarden.kit.inputs import RequestModel, StoredInt
from callwarden.models import (
    PolicyAcknowledgement,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
)
from callwarden.policy.loading import MAX_POLICY_BYTES
from callwarden.training.quiz import AttemptResult, public_questions
from callwarden.training.records import Rates, UserRecord
from callwarden.training.service import document_of

SHA256 = r"^[0-9a-fA-F]{64}$"


class CourseIn(RequestModel):
    document: str = Field(max_length=MAX_POLICY_BYTES, description="The course's YAML")
    source: str = Field(default="course", max_length=200, description="Its file name")


class CourseOut(BaseModel):
    course_version_id: str
    course: str
    version: int
    title: str
    fingerprint: str
    published_by: str
    published_at: str
    summary: str
    audience: dict[str, Any]
    recurrence: str | None
    completion_window: str
    modules: list[dict[str, Any]]
    quiz: dict[str, Any] | None  # questions and options, never which options are right


class PublishedOut(BaseModel):
    course: CourseOut
    assigned: int


class AttemptIn(RequestModel):
    answers: dict[str, str | list[str]] = Field(
        max_length=200, description="Question id to the chosen option id (or ids)."
    )


class AssignmentOut(BaseModel):
    assignment_id: str
    subject: str
    round: int
    course_version_id: str | None
    policy_version: int | None
    reason: str
    state: str
    assigned_at: str
    due_at: str
    completed_at: str | None


class AttemptOut(BaseModel):
    attempt_id: str
    assignment_id: str
    number: int
    score: float
    passed: bool
    review: list[str]
    answers: dict[str, list[str]]
    at: str


class AttemptResultOut(BaseModel):
    attempt: AttemptOut
    pass_mark: int
    unanswered: list[str]
    assignment: AssignmentOut


class AcknowledgeIn(RequestModel):
    version: StoredInt
    text_sha256: str = Field(pattern=SHA256, description="sha256 of the text shown")


class AcknowledgementOut(BaseModel):
    user_id: str
    policy_version: int
    text_sha256: str
    at: str


class PolicyToAcknowledgeOut(BaseModel):
    version: int
    text: str
    text_sha256: str
    what_changed: dict[str, Any] | None = Field(
        description="The module telling staff, in plain words, what a material change means"
    )


class RecordOut(BaseModel):
    username: str
    assignments: list[AssignmentOut]
    attempts: list[AttemptOut]
    acknowledgements: list[AcknowledgementOut]
    fingerprints: dict[str, str]


class RateOut(BaseModel):
    subject: str
    team: str | None
    assigned: int
    completed: int
    overdue: int
    completion_rate: float | None
    average_score: float | None


def describe_course(row: TrainingCourseVersion) -> dict[str, Any]:
    course = document_of(row)
    quiz = public_questions(course)
    return {
        "course_version_id": row.id,
        "course": row.course,
        "version": row.version,
        "title": row.title,
        "fingerprint": row.fingerprint,
        "published_by": row.published_by,
        "published_at": row.published_at.isoformat(),
        "summary": course.summary,
        "audience": course.audience.model_dump(mode="json"),
        "recurrence": str(course.recurrence) if course.recurrence else None,
        "completion_window": str(course.completion_window),
        "modules": [module.model_dump(mode="json") for module in course.modules],
        "quiz": quiz.model_dump(mode="json") if quiz is not None else None,
    }


def describe_assignment(row: TrainingAssignment) -> dict[str, Any]:
    return {
        "assignment_id": row.id,
        "subject": row.subject,
        "round": row.round,
        "course_version_id": row.course_version_id,
        "policy_version": row.policy_version,
        "reason": row.reason,
        "state": row.state,
        "assigned_at": row.assigned_at.isoformat(),
        "due_at": row.due_at.isoformat(),
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
    }


def describe_attempt(row: TrainingAttempt) -> dict[str, Any]:
    return {
        "attempt_id": row.id,
        "assignment_id": row.assignment_id,
        "number": row.number,
        "score": row.score,
        "passed": row.passed,
        "review": list(row.review),
        "answers": dict(row.answers),
        "at": row.at.isoformat(),
    }


def describe_result(
    attempt: TrainingAttempt, result: AttemptResult, assignment: TrainingAssignment
) -> dict[str, Any]:
    return {
        "attempt": describe_attempt(attempt),
        "pass_mark": result.pass_mark,
        "unanswered": list(result.unanswered),
        "assignment": describe_assignment(assignment),
    }


def describe_acknowledgement(row: PolicyAcknowledgement) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "policy_version": row.policy_version,
        "text_sha256": row.text_sha256,
        "at": row.at.isoformat(),
    }


def describe_record(record: UserRecord) -> dict[str, Any]:
    return {
        "username": record.user.username,
        "assignments": [describe_assignment(row) for row in record.assignments],
        "attempts": [
            describe_attempt(attempt) for rows in record.attempts.values() for attempt in rows
        ],
        "acknowledgements": [describe_acknowledgement(row) for row in record.acknowledgements],
        "fingerprints": record.fingerprints,
    }


def describe_rate(rate: Rates) -> dict[str, Any]:
    tally = rate.tally
    return {
        "subject": tally.subject,
        "team": tally.team,
        "assigned": tally.assigned,
        "completed": tally.completed,
        "overdue": tally.overdue,
        "completion_rate": rate.completion_rate,
        "average_score": tally.average_score,
    }
