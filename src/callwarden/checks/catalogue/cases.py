"""Cases: concerns and disputes not decided by their due date.

Like training's overdue assignments, an overdue case is a state as of the run, not an event of
the period: a case still open or in review after its `due_at` (set at filing from the policy's
`cases.answer_within_working_days`, and again at an appeal) is a finding, whatever period the
run looks at. A case decided late is not a finding of the runs after its decision: the finding
it had stays as a person left it (`checks.runs` keeps findings a later run does not see), and
the report counts decisions made late. The first answer and an appeal's are separate
obligations, so they are separate findings (`overdue:<case>` and `overdue:<case>:appeal`).

Severity by how late, in the policy's own unit: medium once past due, high once late by the
answer time again (in working days, by the policy in force) — twice the time the case was
given. The evidence names the case by its number and kind, its state, the dates and its
handler; never its reporter, its subject or anything written in it, since the findings are read
by people a case may not be shown to. One query, joined in the database.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.cases import wording
from callwarden.checks.catalogue._law import policy
from callwarden.checks.registry import Context, Evidence, Found, Period, Severity, check
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import NotFound
from callwarden.kit.working_days import between
from callwarden.models import Case, User
from callwarden.policy import service as policies
from callwarden.policy.schema import CasesHandling

ANSWER_TIME = policy(
    "cases.answer_within_working_days",
    "a concern or dispute is decided within the policy's answer time, counted in working days "
    "from its filing (or from its appeal)",
)


def answer_time(session: Session) -> int:
    """The policy's `cases.answer_within_working_days` (the schema's default with none in
    force)."""
    try:
        return policies.active_compiled(session).document.cases.answer_within_working_days
    except NotFound:
        return CasesHandling().answer_within_working_days


def severity(working_days_over: int, allowed: int) -> Severity:
    """Medium once past due; high once late by the whole answer time again."""
    return "high" if working_days_over >= allowed else "medium"


@check(
    "cases",
    "Cases decided in time",
    "Concerns and disputes still open or in review at the run after their due date (the "
    "policy's `cases.answer_within_working_days` from filing, or from an appeal), one finding "
    "per case and stage: medium once past due, high once late by the answer time again. A case "
    "decided late stops being found; the report counts late decisions.",
)
def cases(session: Session, period: Period, context: Context) -> Iterator[Found]:
    allowed = answer_time(session)
    rows = session.execute(
        select(
            Case.id,
            Case.number,
            Case.kind,
            Case.state,
            Case.filed_at,
            Case.due_at,
            Case.appealed_at,
            User.username,
        )
        .outerjoin(User, User.id == Case.handler_user_id)
        .where(Case.state.in_(wording.UNDECIDED), Case.due_at < context.now)
        .order_by(Case.number)
    )
    for case_id, number, kind, state, filed_at, due_at, appealed_at, handler in rows:
        due = as_utc(due_at)
        over = between(due, context.now)
        name = wording.number(number)
        figures: dict[str, float | int | str] = {
            "case": name,
            "kind": kind,
            "state": state,
            "stage": "appeal" if appealed_at is not None else "first decision",
            "filed": as_utc(filed_at).isoformat(),
            "due": due.isoformat(),
            "days_over": (context.now - due).days,
            "working_days_over": over,
            "answer_within_working_days": allowed,
        }
        appeal = appealed_at is not None
        if appealed_at is not None:
            figures["appealed"] = as_utc(appealed_at).isoformat()
        waiting = f"with {handler}" if handler else "not assigned to a handler"
        yield Found(
            key=f"overdue:{case_id}" + (":appeal" if appeal else ""),
            severity=severity(over, allowed),
            summary=f"{name} ({wording.kind(kind)}) is {wording.state(state)} and "
            f"{waiting}; its {'appeal ' if appeal else ''}decision was due "
            f"{due:%Y-%m-%d} ({over} working day(s) over)",
            evidence=Evidence(users=(handler,) if handler else (), figures=figures),
            rule=ANSWER_TIME,
        )
