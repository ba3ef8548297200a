"""The SQL of the training records: tallies per subject and team, and the rows of the export.

Apart from `repository` only to keep each file short; the same rules hold (set-based, one
query per answer, never a query per person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, null, select
from sqlalchemy.orm import Session

from callwarden.identity.roles import Role
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import (
    PolicyAcknowledgement,
    Team,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
    User,
)
from callwarden.training.repository import COMPLETED


@dataclass(frozen=True, slots=True)
class Tally:
    """One subject's assignments on one team (None: people on no team)."""

    subject: str
    team: str | None
    assigned: int
    completed: int
    overdue: int
    average_score: float | None  # of each assignment's best attempt; None: no attempt yet


def tallies(
    session: Session,
    now: datetime,
    subject: str | None = None,
    assigned_before: datetime | None = None,
    by_team: bool = True,
) -> list[Tally]:
    """Per subject and team: how many were assigned, completed, overdue, and the mean score
    (`assigned_before`: only assignments made before then, for a report's period; `by_team`
    false: per subject only, every team together, each Tally's team None)."""
    best = (
        select(
            TrainingAttempt.assignment_id.label("assignment_id"),
            func.max(TrainingAttempt.score).label("score"),
        )
        .group_by(TrainingAttempt.assignment_id)
        .subquery()
    )
    done = TrainingAssignment.state == COMPLETED
    late = and_(TrainingAssignment.state != COMPLETED, TrainingAssignment.due_at < now)
    team = Team.name if by_team else null()
    query = (
        select(
            TrainingAssignment.subject,
            team,
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.avg(best.c.score),
        )
        .join(User, User.id == TrainingAssignment.user_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(best, best.c.assignment_id == TrainingAssignment.id)
        .group_by(TrainingAssignment.subject, *([Team.name] if by_team else []))
        .order_by(TrainingAssignment.subject, *([Team.name] if by_team else []))
    )
    if subject is not None:
        query = query.where(TrainingAssignment.subject == subject)
    if assigned_before is not None:
        query = query.where(TrainingAssignment.assigned_at < assigned_before)
    return [
        Tally(
            subject=row[0],
            team=row[1],
            assigned=int(row[2]),
            completed=int(row[3] or 0),
            overdue=int(row[4] or 0),
            average_score=None if row[5] is None else round(float(row[5]), 2),
        )
        for row in session.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class PersonTally:
    """One person's assignments: how many, completed and overdue."""

    username: str
    display_name: str
    team: str | None
    disabled_at: datetime | None
    assigned: int
    completed: int
    overdue: int


PEOPLE_BY_NAME = Keyset("training_people", (User.username,))


def person_tallies(
    session: Session, now: datetime, cursor: str | None, limit: int
) -> Slice[PersonTally]:
    """A page of people (disabled ones too, their record stays; no service identity), by
    username, each with their counts: one grouped read for the page, not a query per person."""
    done = TrainingAssignment.state == COMPLETED
    late = and_(TrainingAssignment.state != COMPLETED, TrainingAssignment.due_at < now)
    query = (
        select(
            User.username,
            User.display_name,
            Team.name,
            User.disabled_at,
            func.count(TrainingAssignment.id),
            func.coalesce(func.sum(case((done, 1), else_=0)), 0),
            func.coalesce(func.sum(case((late, 1), else_=0)), 0),
        )
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(TrainingAssignment, TrainingAssignment.user_id == User.id)
        .where(User.is_service.is_(False), User.role != Role.INTEGRATION.value)
        .group_by(User.id, User.username, User.display_name, Team.name, User.disabled_at)
    )
    rows = session.execute(PEOPLE_BY_NAME.apply(query, cursor, limit)).all()
    found = PEOPLE_BY_NAME.page(rows, limit)
    return Slice(
        [
            PersonTally(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), int(row[6]))
            for row in found.rows
        ],
        found.next_cursor,
    )


def record_rows(
    session: Session, subject: str | None, user_id: str | None = None
) -> list[dict[str, object]]:
    """One row per assignment, for export: who, which version (and the hash of what was shown),
    its state and dates, attempts and best score, and the acknowledgement's hash."""
    tried = (
        select(
            TrainingAttempt.assignment_id.label("assignment_id"),
            func.count().label("attempts"),
            func.max(TrainingAttempt.score).label("best"),
        )
        .group_by(TrainingAttempt.assignment_id)
        .subquery()
    )
    query = (
        select(
            User.username,
            Team.name,
            TrainingAssignment.subject,
            TrainingCourseVersion.course,
            TrainingCourseVersion.version,
            TrainingCourseVersion.fingerprint,
            TrainingAssignment.policy_version,
            TrainingAssignment.round,
            TrainingAssignment.reason,
            TrainingAssignment.state,
            TrainingAssignment.assigned_at,
            TrainingAssignment.due_at,
            TrainingAssignment.completed_at,
            tried.c.attempts,
            tried.c.best,
            PolicyAcknowledgement.text_sha256,
            PolicyAcknowledgement.at,
        )
        .join(User, User.id == TrainingAssignment.user_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(
            TrainingCourseVersion,
            TrainingCourseVersion.id == TrainingAssignment.course_version_id,
        )
        .outerjoin(tried, tried.c.assignment_id == TrainingAssignment.id)
        .outerjoin(
            PolicyAcknowledgement,
            and_(
                PolicyAcknowledgement.user_id == TrainingAssignment.user_id,
                PolicyAcknowledgement.policy_version == TrainingAssignment.policy_version,
            ),
        )
        .order_by(TrainingAssignment.subject, User.username, TrainingAssignment.round)
    )
    if subject is not None:
        query = query.where(TrainingAssignment.subject == subject)
    if user_id is not None:
        query = query.where(TrainingAssignment.user_id == user_id)
    names = [
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
        "assigned_at",
        "due_at",
        "completed_at",
        "attempts",
        "best_score",
        "acknowledged_sha256",
        "acknowledged_at",
    ]
    return [dict(zip(names, row, strict=True)) for row in session.execute(query)]
