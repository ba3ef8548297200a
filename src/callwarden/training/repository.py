"""All SQL of training: course versions, assignments, attempts, acknowledgements, records.

The audience is read straight from the users table, set-based: publishing to 20,000 people is
one read of who is in the audience, one read of who already has the assignment, and inserts in
batches, never a query per person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, insert, select
from sqlalchemy.orm import Session

from callwarden.identity.roles import Role
from callwarden.kit.ids import new_id
from callwarden.models import (
    PolicyAcknowledgement,
    Team,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
    User,
)

BATCH = 2000
LIST_LIMIT = 500
COMPLETED = "completed"
ASSIGNED = "assigned"


def add(
    session: Session,
    row: TrainingCourseVersion | TrainingAttempt | PolicyAcknowledgement | TrainingAssignment,
) -> None:
    session.add(row)
    session.flush()


def latest_course_version(session: Session, course: str) -> TrainingCourseVersion | None:
    query = (
        select(TrainingCourseVersion)
        .where(TrainingCourseVersion.course == course)
        .order_by(TrainingCourseVersion.version.desc())
    )
    return session.execute(query.limit(1)).scalar_one_or_none()


def course_version(session: Session, version_id: str) -> TrainingCourseVersion | None:
    return session.get(TrainingCourseVersion, version_id)


def course_versions(session: Session) -> list[TrainingCourseVersion]:
    query = select(TrainingCourseVersion).order_by(
        TrainingCourseVersion.course, TrainingCourseVersion.version.desc()
    )
    return list(session.execute(query.limit(LIST_LIMIT)).scalars())


def existing_teams(session: Session, names: Sequence[str]) -> set[str]:
    return set(session.execute(select(Team.name).where(Team.name.in_(names))).scalars())


def people() -> ColumnElement[bool]:
    """Enabled people: no service identity, no integration, nobody disabled."""
    return and_(
        User.disabled_at.is_(None),
        User.is_service.is_(False),
        User.role != Role.INTEGRATION.value,
    )


def audience_ids(session: Session, roles: Sequence[str], teams: Sequence[str]) -> list[str]:
    """The enabled people with one of `roles` (any, if none given) on one of `teams` (any)."""
    query = select(User.id).where(people())
    if roles:
        query = query.where(User.role.in_(roles))
    if teams:
        query = query.join(Team, Team.id == User.team_id).where(Team.name.in_(teams))
    return list(session.execute(query.order_by(User.id)).scalars())


@dataclass(frozen=True, slots=True)
class NewAssignments:
    subject: str
    reason: str
    assigned_at: datetime
    due_at: datetime
    course_version_id: str | None = None
    policy_version: int | None = None
    round: int = 1


def assign(session: Session, user_ids: Sequence[str], new: NewAssignments) -> int:
    """Assign `new` to each of `user_ids` who has no such assignment yet; how many were made."""
    held = set(
        session.execute(
            select(TrainingAssignment.user_id).where(
                TrainingAssignment.subject == new.subject, TrainingAssignment.round == new.round
            )
        ).scalars()
    )
    wanted = [user_id for user_id in user_ids if user_id not in held]
    for start in range(0, len(wanted), BATCH):
        rows = [
            {
                "id": new_id("tas"),
                "user_id": user_id,
                "subject": new.subject,
                "round": new.round,
                "course_version_id": new.course_version_id,
                "policy_version": new.policy_version,
                "reason": new.reason,
                "assigned_at": new.assigned_at,
                "due_at": new.due_at,
                "state": ASSIGNED,
                "completed_at": None,
            }
            for user_id in wanted[start : start + BATCH]
        ]
        session.execute(insert(TrainingAssignment), rows)
    return len(wanted)


def assignment(session: Session, assignment_id: str) -> TrainingAssignment | None:
    return session.get(TrainingAssignment, assignment_id)


def assignment_for(session: Session, user_id: str, subject: str) -> TrainingAssignment | None:
    """The user's latest round of `subject`."""
    query = (
        select(TrainingAssignment)
        .where(TrainingAssignment.user_id == user_id, TrainingAssignment.subject == subject)
        .order_by(TrainingAssignment.round.desc())
    )
    return session.execute(query.limit(1)).scalar_one_or_none()


def complete_policy_assignments(session: Session, user_id: str, up_to: int, at: datetime) -> int:
    """Complete the user's open acknowledgements of policy versions up to `up_to`: the version
    in force says all the earlier ones said that still matters (an immaterial change made no
    new assignment, so it is the older one that the newer text answers)."""
    rows = session.execute(
        select(TrainingAssignment).where(
            TrainingAssignment.user_id == user_id,
            TrainingAssignment.policy_version.is_not(None),
            TrainingAssignment.policy_version <= up_to,
            TrainingAssignment.state != COMPLETED,
        )
    ).scalars()
    count = 0
    for row in rows:
        row.state, row.completed_at = COMPLETED, at
        count += 1
    return count


def assignments_of(session: Session, user_id: str) -> list[TrainingAssignment]:
    query = (
        select(TrainingAssignment)
        .where(TrainingAssignment.user_id == user_id)
        .order_by(TrainingAssignment.assigned_at.desc(), TrainingAssignment.id)
    )
    return list(session.execute(query.limit(LIST_LIMIT)).scalars())


def attempts_of(session: Session, assignment_ids: Sequence[str]) -> list[TrainingAttempt]:
    if not assignment_ids:
        return []
    query = (
        select(TrainingAttempt)
        .where(TrainingAttempt.assignment_id.in_(assignment_ids))
        .order_by(TrainingAttempt.assignment_id, TrainingAttempt.number)
    )
    return list(session.execute(query).scalars())


def acknowledgement(
    session: Session, user_id: str, policy_version: int
) -> PolicyAcknowledgement | None:
    query = select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.user_id == user_id,
        PolicyAcknowledgement.policy_version == policy_version,
    )
    return session.execute(query).scalar_one_or_none()


def acknowledgements_of(session: Session, user_id: str) -> list[PolicyAcknowledgement]:
    query = (
        select(PolicyAcknowledgement)
        .where(PolicyAcknowledgement.user_id == user_id)
        .order_by(PolicyAcknowledgement.policy_version.desc())
    )
    return list(session.execute(query).scalars())


def latest_course_versions(session: Session) -> list[TrainingCourseVersion]:
    """The newest published version of each course."""
    newest = (
        select(TrainingCourseVersion.course, func.max(TrainingCourseVersion.version).label("v"))
        .group_by(TrainingCourseVersion.course)
        .subquery()
    )
    query = select(TrainingCourseVersion).join(
        newest,
        and_(
            newest.c.course == TrainingCourseVersion.course,
            newest.c.v == TrainingCourseVersion.version,
        ),
    )
    return list(session.execute(query.order_by(TrainingCourseVersion.course)).scalars())


def last_rounds(session: Session, subject: str) -> list[TrainingAssignment]:
    """Each user's latest round of `subject`."""
    last = (
        select(TrainingAssignment.user_id, func.max(TrainingAssignment.round).label("r"))
        .where(TrainingAssignment.subject == subject)
        .group_by(TrainingAssignment.user_id)
        .subquery()
    )
    query = select(TrainingAssignment).join(
        last,
        and_(
            last.c.user_id == TrainingAssignment.user_id,
            last.c.r == TrainingAssignment.round,
            TrainingAssignment.subject == subject,
        ),
    )
    return list(session.execute(query).scalars())


def audience_people(session: Session) -> list[tuple[str, str]]:
    """(id, username) of every enabled person: whom a policy announcement goes to."""
    query = select(User.id, User.username).where(people()).order_by(User.id)
    return [(row.id, row.username) for row in session.execute(query)]


@dataclass(frozen=True, slots=True)
class OpenAssignment:
    id: str
    user_id: str
    username: str
    due_at: datetime
    course_title: str | None
    policy_version: int | None


def open_assignments_due(session: Session, start: datetime, end: datetime) -> list[OpenAssignment]:
    """Assignments not completed, of enabled people, due in [start, end): what a reminder is
    about, with what it needs to say (one query, however many there are)."""
    query = (
        select(
            TrainingAssignment.id,
            TrainingAssignment.user_id,
            User.username,
            TrainingAssignment.due_at,
            TrainingCourseVersion.title,
            TrainingAssignment.policy_version,
        )
        .join(User, User.id == TrainingAssignment.user_id)
        .outerjoin(
            TrainingCourseVersion,
            TrainingCourseVersion.id == TrainingAssignment.course_version_id,
        )
        .where(
            people(),
            TrainingAssignment.state != COMPLETED,
            TrainingAssignment.due_at >= start,
            TrainingAssignment.due_at < end,
        )
        .order_by(TrainingAssignment.due_at, TrainingAssignment.id)
    )
    return [OpenAssignment(*row) for row in session.execute(query)]


def overdue_what(policy_version: int | None, title: str | None, version: int | None) -> str:
    """An overdue assignment's subject in words, as a finding or a refusal names it."""
    if policy_version is not None:
        return f"acknowledgement of policy version {policy_version}"
    return f"course {title!r} (version {version})"


def overdue_of(session: Session, user_id: str, now: datetime) -> list[str]:
    """What this person has past its due date and not completed, in words (oldest due first):
    for a refusal that must say which training stands in the way."""
    rows = session.execute(
        select(
            TrainingAssignment.policy_version,
            TrainingCourseVersion.title,
            TrainingCourseVersion.version,
        )
        .outerjoin(
            TrainingCourseVersion,
            TrainingCourseVersion.id == TrainingAssignment.course_version_id,
        )
        .where(
            TrainingAssignment.user_id == user_id,
            TrainingAssignment.state != COMPLETED,
            TrainingAssignment.due_at < now,
        )
        .order_by(TrainingAssignment.due_at, TrainingAssignment.subject)
    )
    return [overdue_what(*row) for row in rows]
