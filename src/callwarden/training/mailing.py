"""What training tells people by mail: the announcement of a policy version, and reminders
before and after an assignment's due date. Only queued here (the outbox, in the caller's
transaction); `callwarden.mail.sending` delivers.

The defaults, policy-free: a reminder `REMIND_BEFORE` (3 days) before the due date, and one
`REMIND_AFTER` (1 day) after it for what is still open then; once each per assignment, since the
dedupe key names the assignment and the side of the date. An assignment overdue longer than
`AFTER_HORIZON` (30 days) gets no first reminder: by then the overdue check has spoken, and a
new installation should not mail everyone about last year.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callwarden.kit import clock
from callwarden.mail.outbox import Message, queue
from callwarden.models import PolicyVersion
from callwarden.training import repository

REMIND_BEFORE = timedelta(days=3)
REMIND_AFTER = timedelta(days=1)
AFTER_HORIZON = timedelta(days=30)
TRAINING_PAGE = "/training/mine"  # the learner's assignments in the console
# The policy as staff read it, with what changed and the acknowledgement; every person may open
# it (the policy's own version pages are the compliance officer's). A version's announcement
# is held until it takes effect, so the page then shows that version.
POLICY_PAGE = "/training/policy"


def _when(moment: datetime) -> str:
    return clock.as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def announce_policy(
    session: Session, row: PolicyVersion, takes_effect: datetime, due_at: datetime
) -> int:
    """Queue to every person the news that policy version `row` takes effect, held until it
    does; how many were queued. One message per person and version, ever."""
    subject = f"Policy version {row.version} takes effect {_when(takes_effect)}"
    body = (
        f"Version {row.version} of the call-recording policy takes effect on "
        f"{_when(takes_effect)}.\n\n"
        f"Please read it and acknowledge it in the console by {_when(due_at)}. "
        "The page below shows the policy and what changed."
    )
    messages = (
        Message(
            dedupe_key=f"policy-announcement:{row.version}:{user_id}",
            recipient=username,
            subject=subject,
            body=body,
            kind="policy_announcement",
            user_id=user_id,
            link=POLICY_PAGE,
            not_before=takes_effect,
        )
        for user_id, username in repository.audience_people(session)
    )
    return queue(session, messages)


def _reminders(rows: list[repository.OpenAssignment], side: str) -> Iterator[Message]:
    for row in rows:
        what = (
            f"the acknowledgement of policy version {row.policy_version}"
            if row.policy_version is not None
            else f"the course {row.course_title!r}"
        )
        link = POLICY_PAGE if row.policy_version else TRAINING_PAGE
        if side == "before":
            subject = f"Reminder: {what} is due {_when(row.due_at)}"
            body = f"Your training assignment, {what}, is due on {_when(row.due_at)}."
        else:
            subject = f"Overdue: {what} was due {_when(row.due_at)}"
            body = (
                f"Your training assignment, {what}, was due on {_when(row.due_at)} and is not "
                "complete. Please complete it now."
            )
        yield Message(
            dedupe_key=f"training-reminder:{side}:{row.id}",
            recipient=row.username,
            subject=subject,
            body=body,
            kind=f"reminder_{side}",
            user_id=row.user_id,
            link=link,
        )


def queue_reminders(session: Session) -> int:
    """Queue the reminders due now (before and after the due date); how many were new."""
    now = clock.now()
    before = repository.open_assignments_due(session, now, now + REMIND_BEFORE)
    after = repository.open_assignments_due(session, now - AFTER_HORIZON, now - REMIND_AFTER)
    return queue(session, _reminders(before, "before")) + queue(session, _reminders(after, "after"))
