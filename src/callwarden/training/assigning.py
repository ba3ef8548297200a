"""Assignments made when something is published (a course version, a policy version) and
when a course's recurrence comes due.

Kept apart from `service` so the policy's own service can call it in the transaction that
applies a version without importing the training service (which reads the policy in force
through the policy's service: that way round would be a cycle).

A policy version asks everyone to acknowledge it when it is the first, or when its change
from the version before is material (`training.material`); a typo fixed in a description asks
nobody, since asking too often teaches people to click through.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.kit import clock
from callwarden.law.durations import Duration
from callwarden.models import PolicyVersion
from callwarden.policy.schema import PolicyDocument
from callwarden.training import repository
from callwarden.training.course import CourseDocument
from callwarden.training.mailing import announce_policy
from callwarden.training.material import PolicyChange, compare

POLICY_WINDOW = Duration(days=30)  # from the version taking effect to the acknowledgement due


def course_subject(version_id: str) -> str:
    return f"course:{version_id}"


def policy_subject(version: int) -> str:
    return f"policy:{version}"


def policy_change(previous: PolicyVersion, row: PolicyVersion) -> PolicyChange:
    return compare(
        PolicyDocument.model_validate(previous.parsed), PolicyDocument.model_validate(row.parsed)
    )


@dataclass(frozen=True, slots=True)
class PolicyAssigned:
    """What a policy version asked of staff: for the `policy.applied` audit event's data."""

    assigned: int
    material: bool
    areas: list[str]

    def as_data(self) -> dict[str, object]:
        return {"assigned": self.assigned, "material": self.material, "areas": self.areas}


def on_policy_applied(
    session: Session, row: PolicyVersion, previous: PolicyVersion | None
) -> PolicyAssigned:
    """Assign the acknowledgement of `row` to every person, if it asks for one.

    Called by `policy.service.apply` in its transaction, so a version never exists without the
    assignments it calls for, nor without its announcement queued (held in the outbox until
    the version takes effect); what it did goes into that call's `policy.applied` audit
    event (one event per version, as before). `previous` is the version numbered before this one.
    """
    areas: list[str] = []
    if previous is not None:
        change = policy_change(previous, row)
        if not change.material:
            return PolicyAssigned(0, False, [])
        areas = list(change.areas)
    now = clock.now()
    starts = max(row.effective_from, now)
    due_at = POLICY_WINDOW.add_to(starts)
    made = repository.assign(
        session,
        repository.audience_ids(session, (), ()),
        repository.NewAssignments(
            subject=policy_subject(row.version),
            reason="published",
            assigned_at=now,
            due_at=due_at,
            policy_version=row.version,
        ),
    )
    announce_policy(session, row, starts, due_at)
    return PolicyAssigned(made, True, areas)


def assign_recurrences(session: Session, actor: str) -> int:
    """Give a new round of each course with a recurrence to everyone whose last round of its
    newest version was completed a recurrence ago or more and who is still in its audience;
    how many were made. Idempotent: a round exists once per user (the periodic job's work)."""
    now = clock.now()
    made = 0
    for version in repository.latest_course_versions(session):
        course = CourseDocument.model_validate(version.document)
        if course.recurrence is None:
            continue
        audience = set(
            repository.audience_ids(session, course.audience.roles, course.audience.teams)
        )
        by_round: dict[int, list[str]] = {}
        for row in repository.last_rounds(session, course_subject(version.id)):
            if row.completed_at is None or row.user_id not in audience:
                continue
            if course.recurrence.add_to(row.completed_at) <= now:
                by_round.setdefault(row.round + 1, []).append(row.user_id)
        count = 0
        for next_round, user_ids in sorted(by_round.items()):
            count += repository.assign(
                session,
                user_ids,
                repository.NewAssignments(
                    subject=course_subject(version.id),
                    reason="recurrence",
                    assigned_at=now,
                    due_at=course.completion_window.add_to(now),
                    course_version_id=version.id,
                    round=next_round,
                ),
            )
        if count:
            audit.record(
                session,
                actor=actor,
                action="training.recurrence_assigned",
                target=f"training_course:{version.id}",
                data={"course": version.course, "version": version.version, "assigned": count},
            )
        made += count
    return made
