"""Assignments for a person who joins, joins a team or gets a new role.

A newcomer to an audience must not wait for the next publication: they get the newest version
of every course whose audience now includes them, and the acknowledgement of the policy in
force if they have not acknowledged it. Idempotent (one assignment per user, subject and
round), so calling it twice, or for a change that brings no new course, makes nothing.

Called by identity in the transaction of the change: `identity.service.create_user` and
`identity.accounts.change_team` (reason `joined_team`) and `identity.accounts.change_role`
(reason `new_role`): every way into an audience.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import User
from callwarden.policy import service as policies
from callwarden.training import repository
from callwarden.training.assigning import POLICY_WINDOW, course_subject, policy_subject
from callwarden.training.course import CourseDocument

Reason = Literal["joined_team", "new_role"]


def on_person_changed(session: Session, actor: str, user: User, reason: Reason) -> list[str]:
    """Assign what `user`, as they are now, must take and does not have; the subjects made."""
    if user.disabled_at is not None or user.is_service:
        return []
    now = clock.now()
    team = user.team.name if user.team is not None else None
    made: list[str] = []
    for version in repository.latest_course_versions(session):
        course = CourseDocument.model_validate(version.document)
        if not course.audience.includes(user.role, team):
            continue
        subject = course_subject(version.id)
        if repository.assignment_for(session, user.id, subject) is not None:
            continue
        new = repository.NewAssignments(
            subject=subject,
            reason=reason,
            assigned_at=now,
            due_at=course.completion_window.add_to(now),
            course_version_id=version.id,
        )
        if repository.assign(session, [user.id], new):
            made.append(subject)
    made += _policy_in_force(session, user, reason)
    if made:
        audit.record(
            session,
            actor=actor,
            action="training.assigned",
            target=f"user:{user.id}",
            data={"reason": reason, "subjects": made},
        )
    return made


def _policy_in_force(session: Session, user: User, reason: Reason) -> list[str]:
    try:
        row = policies.get_version(session)
    except NotFound:
        return []
    subject = policy_subject(row.version)
    if repository.acknowledgement(session, user.id, row.version) is not None:
        return []
    if repository.assignment_for(session, user.id, subject) is not None:
        return []
    now = clock.now()
    new = repository.NewAssignments(
        subject=subject,
        reason=reason,
        assigned_at=now,
        due_at=POLICY_WINDOW.add_to(now),
        policy_version=row.version,
    )
    return [subject] if repository.assign(session, [user.id], new) else []
