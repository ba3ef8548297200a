"""Routes for training: `/v1/training/courses`, `/v1/training/assignments`, the policy to
acknowledge, and the records (everyone's for the oversight roles, a person's own)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.policy import service as policies
from callwarden.server.deps import database, read_session, requires
from callwarden.training import acknowledging, records, service
from callwarden.training.schemas import (
    AcknowledgeIn,
    AcknowledgementOut,
    AssignmentOut,
    AttemptIn,
    AttemptResultOut,
    CourseIn,
    CourseOut,
    PolicyToAcknowledgeOut,
    PublishedOut,
    RateOut,
    RecordOut,
    describe_acknowledgement,
    describe_assignment,
    describe_course,
    describe_rate,
    describe_record,
    describe_result,
)

router = APIRouter(tags=["training"])


@router.post("/v1/training/courses", status_code=201, response_model=PublishedOut)
def publish_course(
    body: CourseIn,
    who: Principal = Depends(requires("training.courses.publish")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Publish a course version and assign it to its audience; a course with problems is
    refused with each at its line, an audience that matches nobody is refused."""
    with db.unit_of_work() as session:
        published = service.publish_course(session, who, body.document, body.source)
        return {"course": describe_course(published.version), "assigned": published.assigned}


@router.get("/v1/training/courses", response_model=list[CourseOut])
def list_courses(
    who: Principal = Depends(requires("training.read_own")),
    session: Session = Depends(read_session),
) -> list[dict[str, Any]]:
    return [describe_course(row) for row in service.list_courses(session, who)]


@router.get("/v1/training/courses/{course_id}", response_model=CourseOut)
def show_course(
    course_id: str,
    who: Principal = Depends(requires("training.read_own")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """A course version by id, or a course's latest version by its name; its questions
    without their answers."""
    return describe_course(service.get_course(session, who, course_id))


@router.get("/v1/training/assignments", response_model=list[AssignmentOut])
def my_assignments(
    who: Principal = Depends(requires("training.read_own")),
    session: Session = Depends(read_session),
) -> list[dict[str, Any]]:
    """Your own assignments, newest first."""
    return [describe_assignment(row) for row in service.my_assignments(session, who)]


@router.post(
    "/v1/training/assignments/{assignment_id}/attempts",
    status_code=201,
    response_model=AttemptResultOut,
)
def take_quiz(
    assignment_id: str,
    body: AttemptIn,
    who: Principal = Depends(requires("training.take")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Submit an attempt at the course's quiz, scored on the server; 409 once it is passed or
    its attempts are used."""
    with db.unit_of_work() as session:
        done = service.take_quiz(session, who, assignment_id, body.answers)
        return describe_result(done.attempt, done.result, done.assignment)


@router.post("/v1/training/assignments/{assignment_id}/read", response_model=AssignmentOut)
def mark_read(
    assignment_id: str,
    who: Principal = Depends(requires("training.take")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Complete a course with no quiz by saying you have read its modules."""
    with db.unit_of_work() as session:
        return describe_assignment(service.mark_read(session, who, assignment_id))


@router.get("/v1/training/policy", response_model=PolicyToAcknowledgeOut)
def policy_to_acknowledge(
    who: Principal = Depends(requires("training.read_own")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """The policy in force as staff read it (Markdown), with the sha256 an acknowledgement
    must name, and what changed from the version before when the change is material."""
    row = policies.get_version(session)
    changed = acknowledging.what_changed_in(session, row)
    return {
        "version": row.version,
        "text": acknowledging.staff_text(row),
        "text_sha256": acknowledging.staff_text_sha256(row),
        "what_changed": changed.model_dump(mode="json") if changed is not None else None,
    }


@router.post("/v1/training/acknowledgements", status_code=201, response_model=AcknowledgementOut)
def acknowledge(
    body: AcknowledgeIn,
    who: Principal = Depends(requires("training.take")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Acknowledge the policy version in force, naming the sha256 of the text you were shown."""
    with db.unit_of_work() as session:
        row = acknowledging.acknowledge_policy(session, who, body.version, body.text_sha256)
        return describe_acknowledgement(row)


@router.get("/v1/training/records/{username}", response_model=RecordOut)
def user_record(
    username: str,
    who: Principal = Depends(requires("training.read_own")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Everything one person was assigned, attempted, completed and acknowledged: anyone's
    for the oversight roles, a supervisor's team's, your own; anyone else is a 404."""
    return describe_record(records.user_record(session, who, username))


@router.get("/v1/training/rates", response_model=list[RateOut])
def rates(
    course: str | None = Query(default=None, max_length=64, description="A course or version"),
    who: Principal = Depends(requires("training.records.read")),
    session: Session = Depends(read_session),
) -> list[dict[str, Any]]:
    """Per course (or policy version) and team: completion rate, overdue count, mean score."""
    return [describe_rate(rate) for rate in records.rates(session, who, course)]
