"""Training records: what one person was assigned, attempted, completed and acknowledged, and
per course (or policy version) and team the completion rate, overdue count and mean score.

For the oversight roles only (`training.records.read`); a learner reads their own assignments
through `service.my_assignments`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import PolicyAcknowledgement, TrainingAssignment, TrainingAttempt, User
from callwarden.training import repository
from callwarden.training.assigning import course_subject
from callwarden.training.repository import Tally


@dataclass(frozen=True, slots=True)
class UserRecord:
    user: User
    assignments: list[TrainingAssignment]
    attempts: dict[str, list[TrainingAttempt]]  # by assignment id, in order
    acknowledgements: list[PolicyAcknowledgement]
    fingerprints: dict[str, str]  # course version id to the fingerprint of what was shown


def user_record(session: Session, principal: Principal, username: str) -> UserRecord:
    require(principal, "training.records.read")
    user = identities.find_user(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}")
    assignments = repository.assignments_of(session, user.id)
    attempts: dict[str, list[TrainingAttempt]] = {row.id: [] for row in assignments}
    for attempt in repository.attempts_of(session, list(attempts)):
        attempts[attempt.assignment_id].append(attempt)
    fingerprints: dict[str, str] = {}
    for row in assignments:
        if row.course_version_id is not None and row.course_version_id not in fingerprints:
            version = repository.course_version(session, row.course_version_id)
            if version is not None:
                fingerprints[version.id] = version.fingerprint
    return UserRecord(
        user, assignments, attempts, repository.acknowledgements_of(session, user.id), fingerprints
    )


@dataclass(frozen=True, slots=True)
class Rates:
    """One subject on one team, with its completion rate (None when nothing is assigned)."""

    tally: Tally

    @property
    def completion_rate(self) -> float | None:
        if not self.tally.assigned:
            return None
        return round(self.tally.completed / self.tally.assigned, 4)


def rates(session: Session, principal: Principal, course: str | None = None) -> list[Rates]:
    """Per subject and team; `course` narrows to one course version (an id) or course name."""
    require(principal, "training.records.read")
    subject = None
    if course is not None:
        version = repository.course_version(session, course) or (
            repository.latest_course_version(session, course)
        )
        if version is None:
            raise NotFound(f"no course {course!r}")
        subject = course_subject(version.id)
    return [Rates(tally) for tally in repository.tallies(session, clock.now(), subject)]
