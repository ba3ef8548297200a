"""Publishing courses, taking quizzes and completing courses, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.models import AuditEvent, TrainingAssignment, TrainingAttempt, TrainingCourseVersion
from callwarden.training import service
from callwarden.training.course import CourseInvalid, parse_course
from callwarden.training.quiz import Answers
from tests.training.conftest import EXAMPLE_COURSE, START, Org

COURSE = parse_course(EXAMPLE_COURSE)
assert COURSE.quiz is not None
RIGHT = {q.id: q.correct if q.kind == "multiple" else q.correct[0] for q in COURSE.quiz.questions}
WRONG = {
    q.id: next(o.id for o in q.options if o.id not in q.correct) for q in COURSE.quiz.questions
}
NO_QUIZ = EXAMPLE_COURSE.split("\nquiz:")[0] + "\n"


def _publish(org: Org, text: str = EXAMPLE_COURSE) -> service.Published:
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        return service.publish_course(session, org.who("olga"), text, "course.yaml")


def _count(org: Org, model: type) -> int:
    with org.db.reading() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _mine(org: Org, username: str) -> list[TrainingAssignment]:
    with org.db.reading() as session:
        rows = service.my_assignments(session, org.who(username))
        session.expunge_all()  # kept as read: the reading session's rollback would expire them
        return rows


def test_publishing_assigns_the_audience_due_a_window_later(org: Org) -> None:
    published = _publish(org)
    # agents, supervisor, compliance officer: not the auditor, the integration or the disabled
    assert published.assigned == 4
    assert not _mine(org, "aud")
    (mine,) = _mine(org, "ada")
    assert mine.due_at == START + timedelta(days=30)
    assert mine.reason == "published"
    assert mine.state == "assigned"
    with org.db.reading() as session:
        data = session.execute(
            select(AuditEvent.data).where(AuditEvent.action == "training.course_published")
        ).scalar_one()
    assert data["assigned"] == 4
    assert data["fingerprint"] == published.version.fingerprint


def test_the_same_version_twice_is_refused_and_a_new_version_assigns_again(org: Org) -> None:
    _publish(org)
    with pytest.raises(Conflict, match="raise `version`"):
        _publish(org)
    assert _count(org, TrainingCourseVersion) == 1
    second = _publish(org, EXAMPLE_COURSE.replace("version: 1", "version: 2", 1))
    assert second.assigned == 4
    assert len(_mine(org, "ada")) == 2


def test_a_bad_course_is_refused_at_its_line_and_nothing_is_written(org: Org) -> None:
    broken = EXAMPLE_COURSE.replace("pass_mark: ", "pass_mark: 1", 1)
    with pytest.raises(CourseInvalid) as refused:
        _publish(org, broken)
    assert refused.value.problems[0].line is not None
    assert _count(org, TrainingCourseVersion) == 0
    assert _count(org, TrainingAssignment) == 0


@pytest.mark.parametrize(
    ("audience", "message"),
    [
        ("roles: [legal]", "matches no enabled user"),
        ("roles: [agent]\n  teams: [nowhere]", "no existing team: nowhere"),
    ],
)
def test_an_audience_that_matches_nobody_is_refused(org: Org, audience: str, message: str) -> None:
    text = EXAMPLE_COURSE.replace(
        "roles: [agent, supervisor, qa_reviewer, compliance_officer, legal]", audience
    )
    with pytest.raises(InvalidInput, match=message):
        _publish(org, text)
    assert _count(org, TrainingCourseVersion) == 0


def test_a_team_audience_reaches_only_that_team(org: Org) -> None:
    text = EXAMPLE_COURSE.replace(
        "roles: [agent, supervisor, qa_reviewer, compliance_officer, legal]",
        "roles: [agent, supervisor]\n  teams: [alpha]",
    )
    assert _publish(org, text).assigned == 2  # ada and sue; not ben (beta), not gone (disabled)


def _attempt(org: Org, username: str, answers: Answers) -> service.Attempted:
    (mine,) = _mine(org, username)
    with org.db.unit_of_work() as session:
        return service.take_quiz(session, org.who(username), mine.id, answers)


def test_a_failed_attempt_says_what_to_review_and_a_pass_completes(org: Org) -> None:
    _publish(org)
    failed = _attempt(org, "ada", WRONG)
    assert not failed.result.passed
    assert failed.result.review
    assert failed.attempt.score == 0
    assert _mine(org, "ada")[0].state == "assigned"
    passed = _attempt(org, "ada", RIGHT)
    assert passed.result.passed and passed.attempt.number == 2
    (mine,) = _mine(org, "ada")
    assert mine.state == "completed" and mine.completed_at is not None
    with pytest.raises(Conflict, match="already passed"):
        _attempt(org, "ada", RIGHT)
    assert _count(org, TrainingAttempt) == 2


def test_no_attempt_is_recorded_once_the_attempts_are_used(org: Org) -> None:
    _publish(org, EXAMPLE_COURSE.replace("attempts: 3", "attempts: 1", 1))
    _attempt(org, "ben", WRONG)
    with pytest.raises(Conflict, match="attempt"):
        _attempt(org, "ben", RIGHT)
    assert _count(org, TrainingAttempt) == 1


def test_a_tampered_answer_sheet_is_refused_and_not_recorded(org: Org) -> None:
    _publish(org)
    with pytest.raises(InvalidInput):
        _attempt(org, "ada", {"no-such-question": "a"})
    assert _count(org, TrainingAttempt) == 0


def test_someone_elses_assignment_is_not_found(org: Org) -> None:
    _publish(org)
    (adas,) = _mine(org, "ada")
    with org.db.unit_of_work() as session, pytest.raises(NotFound):
        service.take_quiz(session, org.who("ben"), adas.id, RIGHT)


def test_a_course_without_a_quiz_is_completed_by_reading_it(org: Org) -> None:
    _publish(org, NO_QUIZ)
    (mine,) = _mine(org, "ada")
    with org.db.unit_of_work() as session:
        service.mark_read(session, org.who("ada"), mine.id)
    assert _mine(org, "ada")[0].state == "completed"
    with org.db.unit_of_work() as session, pytest.raises(Conflict, match="already completed"):
        service.mark_read(session, org.who("ada"), mine.id)


def test_a_course_with_a_quiz_is_not_completed_by_reading_it(org: Org) -> None:
    _publish(org)
    (mine,) = _mine(org, "ada")
    with org.db.unit_of_work() as session, pytest.raises(Conflict, match="has a quiz"):
        service.mark_read(session, org.who("ada"), mine.id)


def test_only_a_compliance_officer_publishes(org: Org) -> None:
    with org.db.unit_of_work() as session, pytest.raises(Forbidden):
        service.publish_course(session, org.who("sue"), EXAMPLE_COURSE)
