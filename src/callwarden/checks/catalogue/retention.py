"""Retention: recordings kept past their latest moment, and legal holds nobody has reviewed.

Both are states as of the run, not events of the period: a recording overdue today is overdue
whichever day the run looks at, so the period is not used here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue._law import policy
from callwarden.checks.registry import Context, Evidence, Found, Period, check
from callwarden.kit.errors import NotFound
from callwarden.models import AuditEvent, LegalHold, Recording
from callwarden.policy import service as policies
from callwarden.policy.schema import RetentionHandling

OVERDUE = policy(
    "purposes: retention",
    "a recording is destroyed by its latest moment "
    "(`dispose_by`) unless a legal hold keeps it (GDPR Art. 5(1)(e))",
)
REVIEW = policy(
    "retention.hold_review_days",
    "a legal hold is reviewed at least this often, "
    "so recordings are not kept longer than the matter needs",
)


def _review_days(session: Session) -> int:
    try:
        return policies.active_compiled(session).document.retention.hold_review_days
    except NotFound:  # no policy in force: the schema's default
        return RetentionHandling().hold_review_days


@check(
    "retention",
    "Retention kept",
    "Recordings whose latest moment (`dispose_by`) has passed at the run that are neither "
    "disposed of nor held; and legal holds not released whose creation or last scope change "
    "is older than the policy's `retention.hold_review_days` (default 180).",
)
def retention(session: Session, period: Period, context: Context) -> Iterator[Found]:
    overdue = session.execute(
        select(Recording.id, Recording.call_id, Recording.dispose_by)
        .where(
            Recording.dispose_by < context.now,
            Recording.disposed_at.is_(None),
            Recording.legal_hold.is_(False),
        )
        .order_by(Recording.id)
    )
    for recording_id, call_id, dispose_by in overdue:
        assert dispose_by is not None  # the query's condition
        days = (context.now - dispose_by).days
        yield Found(
            key=f"overdue:{recording_id}",
            severity="high" if days >= 1 else "medium",
            summary=f"recording {recording_id} was due for destruction by "
            f"{dispose_by:%Y-%m-%d %H:%M} UTC and is still kept ({days} day(s) over)",
            evidence=Evidence(
                calls=(call_id,), recordings=(recording_id,), figures={"days_over": days}
            ),
            rule=OVERDUE,
        )
    days = _review_days(session)
    limit = context.now - timedelta(days=days)
    changed = (
        select(AuditEvent.target, func.max(AuditEvent.occurred_at).label("at"))
        .where(AuditEvent.action == "hold.scope_changed")
        .group_by(AuditEvent.target)
        .subquery()
    )
    holds = session.execute(
        select(LegalHold, changed.c.at)
        .outerjoin(changed, changed.c.target == literal("hold:").concat(LegalHold.id))
        .where(LegalHold.released_at.is_(None), LegalHold.created_at < limit)
        .order_by(LegalHold.id)
    )
    for hold, scope_changed_at in holds:
        last = max(hold.created_at, scope_changed_at) if scope_changed_at else hold.created_at
        if last >= limit:
            continue
        yield Found(
            key=f"hold_review:{hold.id}",
            severity="low",
            summary=f"legal hold {hold.id} ({hold.matter}) has not been reviewed since "
            f"{last:%Y-%m-%d} (the policy asks every {days} days)",
            evidence=Evidence(
                holds=(hold.id,), figures={"review_days": days, "last_change": last.isoformat()}
            ),
            rule=REVIEW,
        )
