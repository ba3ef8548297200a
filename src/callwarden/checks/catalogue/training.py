"""Training: who is overdue with a course or a policy acknowledgement, and (when the policy's
`training.overdue` asks for it) the period's calls handled by an agent while overdue.

Who is overdue is a state as of the run, like retention's overdue recordings: an assignment past
its due date and not completed. The calls are events of the period: a call counts when it
started inside an overdue interval of its agent — from the due date to the completion, or to
now when not completed — so an agent who caught up later still answers for the calls handled
before. Both are one query each, joined in the database (calls on `agent_user_id` and the
interval): a run over a million calls never loops over calls to decide.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue._law import policy
from callwarden.checks.registry import Context, Evidence, Found, Period, check
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import NotFound
from callwarden.models import Call, TrainingAssignment, TrainingCourseVersion, User
from callwarden.policy import service as policies
from callwarden.policy.schema import TrainingHandling
from callwarden.training.repository import COMPLETED, overdue_what

OVERDUE = policy(
    "training",
    "everyone who handles or can reach recorded calls completes the training assigned to them "
    "and acknowledges the policy version in force by the due date",
)
CALLS = policy(
    "training.overdue: call_findings",
    "a call handled by an agent whose training or policy acknowledgement is overdue is a "
    "finding of its own",
)


def consequence(session: Session) -> str:
    """The policy's `training.overdue` (the schema's default when no policy is in force)."""
    try:
        return policies.active_compiled(session).document.training.overdue
    except NotFound:
        return TrainingHandling().overdue


@check(
    "training",
    "Training current",
    "Assignments (courses and policy acknowledgements) past their due date at the run and not "
    "completed, one finding per person, subject and round; and, when the policy's "
    "`training.overdue` is `call_findings`, each call of the period that started while its "
    "agent had an assignment past due and not yet completed.",
)
def training(session: Session, period: Period, context: Context) -> Iterator[Found]:
    yield from _overdue(session, context)
    if consequence(session) == "call_findings":
        yield from _calls(session, period, context)


def _overdue(session: Session, context: Context) -> Iterator[Found]:
    rows = session.execute(
        select(
            TrainingAssignment.user_id,
            User.username,
            TrainingAssignment.subject,
            TrainingAssignment.round,
            TrainingAssignment.due_at,
            TrainingAssignment.policy_version,
            TrainingCourseVersion.title,
            TrainingCourseVersion.version,
        )
        .join(User, User.id == TrainingAssignment.user_id)
        .outerjoin(
            TrainingCourseVersion,
            TrainingCourseVersion.id == TrainingAssignment.course_version_id,
        )
        .where(
            TrainingAssignment.state != COMPLETED,
            TrainingAssignment.due_at < context.now,
            User.disabled_at.is_(None),
        )
        .order_by(User.username, TrainingAssignment.subject, TrainingAssignment.round)
    )
    for user_id, username, subject, round_, due_at, policy_version, title, version in rows:
        due = as_utc(due_at)
        days = (context.now - due).days
        what = overdue_what(policy_version, title, version)
        yield Found(
            key=f"overdue:{user_id}:{subject}:{round_}",
            severity="medium" if days >= 7 else "low",
            summary=f"{username} has not completed the {what}, due {due:%Y-%m-%d} "
            f"({days} day(s) over)",
            evidence=Evidence(
                users=(username,),
                figures={
                    "subject": subject,
                    "round": round_,
                    "what": what,
                    "due": due.isoformat(),
                    "days_over": days,
                },
            ),
            rule=OVERDUE,
        )


def _calls(session: Session, period: Period, context: Context) -> Iterator[Found]:
    """One finding per call of the period whose agent was overdue when it started."""
    late = TrainingAssignment
    within = and_(
        late.user_id == Call.agent_user_id,
        late.due_at <= Call.started_at,
        or_(late.completed_at.is_(None), late.completed_at > Call.started_at),
    )
    rows = session.execute(
        select(
            Call.id,
            User.username,
            func.count(late.id),
            func.min(late.due_at),
            func.min(late.subject),
        )
        .join(late, within)
        .join(User, User.id == late.user_id)
        .where(
            Call.started_at >= period.start,
            Call.started_at < period.end,
            Call.started_at < context.now,
        )
        .group_by(Call.id, User.username)
        .order_by(Call.id)
    )
    for call_id, username, count, earliest, subject in rows:
        due = as_utc(earliest)
        yield Found(
            key=f"call:{call_id}",
            severity="low",
            summary=f"call {call_id} was handled by {username} while {count} training "
            f"assignment(s) were overdue (the first due {due:%Y-%m-%d})",
            evidence=Evidence(
                calls=(call_id,),
                users=(username,),
                figures={
                    "overdue_assignments": int(count),
                    "due": due.isoformat(),
                    "subject": subject,
                },
            ),
            rule=CALLS,
        )
