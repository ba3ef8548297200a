"""Training records: what one person was assigned, attempted, completed and acknowledged, and
per course (or policy version) and team the completion rate, overdue count and mean score.

Everyone's for the oversight roles (`training.records.read`); one person's record also for that
person and for a supervisor of their team (`identity.policies.may_read_training_of`). A person
out of reach answers exactly as a username that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.identity import service as identities
from callwarden.identity.policies import may_read_training_of, require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import NotFound
from callwarden.kit.pagination import DEFAULT_LIMIT, Slice
from callwarden.models import (
    PolicyAcknowledgement,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
    User,
)
from callwarden.training import records_repository, repository
from callwarden.training.assigning import course_subject
from callwarden.training.records_repository import PersonTally, Tally


@dataclass(frozen=True, slots=True)
class UserRecord:
    user: User
    assignments: list[TrainingAssignment]
    attempts: dict[str, list[TrainingAttempt]]  # by assignment id, in order
    acknowledgements: list[PolicyAcknowledgement]
    fingerprints: dict[str, str]  # course version id to the fingerprint of what was shown
    versions: dict[str, TrainingCourseVersion]  # the course versions assigned, by id


def person_in_reach(session: Session, principal: Principal, username: str) -> User:
    """The person whose record the principal may read; anyone else, like a name nobody has,
    is NotFound with the same words (so a refusal says nothing of who exists)."""
    require(principal, "training.read_own")
    user = identities.find_user(session, username)
    if user is None or not may_read_training_of(principal, user.id, user.team_id):
        raise NotFound(f"no user named {username!r}")
    return user


def user_record(session: Session, principal: Principal, username: str) -> UserRecord:
    user = person_in_reach(session, principal, username)
    assignments = repository.assignments_of(session, user.id)
    attempts: dict[str, list[TrainingAttempt]] = {row.id: [] for row in assignments}
    for attempt in repository.attempts_of(session, list(attempts)):
        attempts[attempt.assignment_id].append(attempt)
    versions: dict[str, TrainingCourseVersion] = {}
    for row in assignments:
        if row.course_version_id is not None and row.course_version_id not in versions:
            version = repository.course_version(session, row.course_version_id)
            if version is not None:
                versions[version.id] = version
    return UserRecord(
        user,
        assignments,
        attempts,
        repository.acknowledgements_of(session, user.id),
        {version.id: version.fingerprint for version in versions.values()},
        versions,
    )


def people(
    session: Session, principal: Principal, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Slice[PersonTally]:
    """A page of every person (not service identities), by username, with how many
    assignments they have, completed and overdue: where the oversight roles find a record."""
    require(principal, "training.records.read")
    return records_repository.person_tallies(session, clock.now(), cursor, limit)


@dataclass(frozen=True, slots=True)
class Rates:
    """One subject on one team, with its completion rate (None when nothing is assigned)."""

    tally: Tally

    @property
    def completion_rate(self) -> float | None:
        if not self.tally.assigned:
            return None
        return round(self.tally.completed / self.tally.assigned, 4)


def _subject(session: Session, course: str | None) -> str | None:
    """The subject of a course version (by id) or a course's latest version (by name)."""
    if course is None:
        return None
    version = repository.course_version(session, course) or (
        repository.latest_course_version(session, course)
    )
    if version is None:
        raise NotFound(f"no course {course!r}")
    return course_subject(version.id)


def rates(session: Session, principal: Principal, course: str | None = None) -> list[Rates]:
    """Per subject and team; `course` narrows to one course version (an id) or course name."""
    require(principal, "training.records.read")
    subject = _subject(session, course)
    return [Rates(tally) for tally in records_repository.tallies(session, clock.now(), subject)]


EXPORT_COLUMNS = (
    "username",
    "team",
    "subject",
    "course",
    "course_version",
    "fingerprint",
    "policy_version",
    "round",
    "reason",
    "state",
    "overdue",
    "assigned_at",
    "due_at",
    "completed_at",
    "attempts",
    "best_score",
    "acknowledged_sha256",
    "acknowledged_at",
)


def export_rows(
    session: Session, principal: Principal, course: str | None = None
) -> list[dict[str, object]]:
    """Every assignment with what it came to, one flat row each (the CSV export)."""
    require(principal, "training.records.read")
    return _flattened(records_repository.record_rows(session, _subject(session, course)))


def person_export_rows(
    session: Session, principal: Principal, username: str
) -> list[dict[str, object]]:
    """One person's assignments as the export's rows, for whoever may read their record."""
    user = person_in_reach(session, principal, username)
    return _flattened(records_repository.record_rows(session, None, user_id=user.id))


def _flattened(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The export's rows with `overdue` said and every time as ISO 8601 UTC."""
    now = clock.now()
    for row in rows:
        due = row["due_at"]
        row["overdue"] = (
            row["state"] != repository.COMPLETED
            and isinstance(due, datetime)
            and (as_utc(due) < now)
        )
        for key in ("assigned_at", "due_at", "completed_at", "acknowledged_at"):
            value = row[key]
            row[key] = as_utc(value).isoformat() if isinstance(value, datetime) else value
    return rows
