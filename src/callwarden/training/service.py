"""Training: publishing courses, taking quizzes, completing courses (the policy: acknowledging).

Every change is audited in the caller's transaction and nothing commits here. A learner only
ever reaches their own assignments: someone else's answers as NotFound, exactly like an id
that does not exist. Quizzes are scored here from the stored course, never from anything the
browser sent but the option ids it chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.models import (
    PolicyAcknowledgement,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
)
from callwarden.training import repository
from callwarden.training.assigning import course_subject
from callwarden.training.course import CourseDocument, fingerprint, parse_course
from callwarden.training.quiz import Answers, AttemptResult, check_attempt_allowed, score


@dataclass(frozen=True, slots=True)
class Published:
    version: TrainingCourseVersion
    assigned: int


def publish_course(
    session: Session, principal: Principal, text: str, source: str = "course"
) -> Published:
    """Store a course version and assign it to its audience, due a completion window later.

    Refused whole: a course with problems (each at its line), a version not above the last one
    published, an audience naming a team that does not exist or matching nobody.
    """
    require(principal, "training.courses.publish")
    course = parse_course(text, source)
    latest = repository.latest_course_version(session, course.id)
    if latest is not None and course.version <= latest.version:
        raise Conflict(
            f"course {course.id!r} version {latest.version} is published; "
            f"raise `version` above it to publish a change (this file says {course.version})"
        )
    missing = set(course.audience.teams) - repository.existing_teams(session, course.audience.teams)
    if missing:
        raise InvalidInput(f"the audience names no existing team: {', '.join(sorted(missing))}")
    audience = repository.audience_ids(session, course.audience.roles, course.audience.teams)
    if not audience:
        raise InvalidInput("the course's audience matches no enabled user; nobody would take it")
    now = clock.now()
    row = TrainingCourseVersion(
        id=new_id("tcv"),
        course=course.id,
        version=course.version,
        title=course.title,
        document=course.model_dump(mode="json"),
        source=text,
        fingerprint=fingerprint(course),
        published_by=principal.actor,
        published_at=now,
    )
    try:
        with session.begin_nested():
            repository.add(session, row)
    except IntegrityError:  # the same version published at the same moment by someone else
        raise Conflict(f"course {course.id!r} version {course.version} is published") from None
    assigned = repository.assign(
        session,
        audience,
        repository.NewAssignments(
            subject=course_subject(row.id),
            reason="published",
            assigned_at=now,
            due_at=course.completion_window.add_to(now),
            course_version_id=row.id,
        ),
    )
    audit.record(
        session,
        actor=principal.actor,
        action="training.course_published",
        target=f"training_course:{row.id}",
        data={
            "course": row.course,
            "version": row.version,
            "fingerprint": row.fingerprint,
            "assigned": assigned,
        },
    )
    return Published(row, assigned)


def document_of(row: TrainingCourseVersion) -> CourseDocument:
    return CourseDocument.model_validate(row.document)


def list_courses(session: Session, principal: Principal) -> list[TrainingCourseVersion]:
    require(principal, "training.read_own")
    return repository.course_versions(session)


def get_course(session: Session, principal: Principal, ref: str) -> TrainingCourseVersion:
    """A course version by id, or a course by its name (its latest version)."""
    require(principal, "training.read_own")
    row = repository.course_version(session, ref) or repository.latest_course_version(session, ref)
    if row is None:
        raise NotFound(f"no course {ref!r}")
    return row


def my_assignments(session: Session, principal: Principal) -> list[TrainingAssignment]:
    require(principal, "training.read_own")
    if principal.user_id is None:
        return []
    return repository.assignments_of(session, principal.user_id)


def own_assignment(
    session: Session, principal: Principal, assignment_id: str
) -> TrainingAssignment:
    """The principal's own assignment, or NotFound (someone else's looks like no assignment)."""
    require(principal, "training.read_own")
    row = repository.assignment(session, assignment_id)
    if row is None or principal.user_id is None or row.user_id != principal.user_id:
        raise NotFound(f"no assignment {assignment_id!r}")
    return row


def _course_of(session: Session, row: TrainingAssignment) -> CourseDocument:
    if row.course_version_id is None:
        raise InvalidInput("this assignment is a policy acknowledgement; acknowledge the policy")
    version = repository.course_version(session, row.course_version_id)
    assert version is not None  # a foreign key holds it
    return document_of(version)


@dataclass(frozen=True, slots=True)
class Attempted:
    attempt: TrainingAttempt
    result: AttemptResult
    assignment: TrainingAssignment


def take_quiz(
    session: Session, principal: Principal, assignment_id: str, answers: Answers
) -> Attempted:
    """Score one attempt on the server and record it; a pass completes the assignment.

    Refused with Conflict once the quiz is passed or its attempts are used (a form sent twice
    included: the attempt's number is unique per assignment, so a race loses there too).
    """
    require(principal, "training.take")
    row = own_assignment(session, principal, assignment_id)
    course = _course_of(session, row)
    if course.quiz is None:
        raise InvalidInput("this course has no quiz; mark its modules read to complete it")
    earlier = repository.attempts_of(session, [row.id])
    check_attempt_allowed(course.quiz, len(earlier), any(a.passed for a in earlier))
    result = score(course.quiz, answers)
    now = clock.now()
    attempt = TrainingAttempt(
        id=new_id("tat"),
        assignment_id=row.id,
        number=len(earlier) + 1,
        answers={question: list(chosen) for question, chosen in result.chosen.items()},
        earned=result.earned,
        possible=result.possible,
        score=result.percentage,
        passed=result.passed,
        review=list(result.review),
        at=now,
    )
    try:
        with session.begin_nested():
            repository.add(session, attempt)
    except IntegrityError:
        raise Conflict("another attempt at this quiz was recorded at the same moment") from None
    if result.passed:
        _complete(row)
    audit.record(
        session,
        actor=principal.actor,
        action="training.quiz_attempted",
        target=f"training_assignment:{row.id}",
        data={
            "attempt": attempt.number,
            "score": attempt.score,
            "passed": attempt.passed,
            "review": attempt.review,
        },
    )
    return Attempted(attempt, result, row)


def mark_read(session: Session, principal: Principal, assignment_id: str) -> TrainingAssignment:
    """Complete a course with no quiz: the learner says they have read its modules."""
    require(principal, "training.take")
    row = own_assignment(session, principal, assignment_id)
    course = _course_of(session, row)
    if course.quiz is not None:
        raise Conflict("this course has a quiz; it is completed by passing the quiz")
    if row.state == repository.COMPLETED:
        raise Conflict("this course is already completed")
    _complete(row)
    audit.record(
        session,
        actor=principal.actor,
        action="training.course_read",
        target=f"training_assignment:{row.id}",
        data={"modules": [module.id for module in course.modules]},
    )
    return row


def _complete(row: TrainingAssignment) -> None:
    row.state = repository.COMPLETED
    row.completed_at = clock.now()


def own_attempts(
    session: Session, principal: Principal, assignment_id: str
) -> list[TrainingAttempt]:
    """The attempts at the principal's own assignment, in order (the console's result page);
    someone else's assignment answers NotFound, as `own_assignment` does."""
    row = own_assignment(session, principal, assignment_id)
    return repository.attempts_of(session, [row.id])


def my_acknowledgements(session: Session, principal: Principal) -> list[PolicyAcknowledgement]:
    """The principal's own policy acknowledgements, newest version first."""
    require(principal, "training.read_own")
    if principal.user_id is None:
        return []
    return repository.acknowledgements_of(session, principal.user_id)
