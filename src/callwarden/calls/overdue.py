"""An agent whose training is overdue, noted in the decision of a call they take.

With the policy's `training.overdue: call_findings`, every call an overdue agent handles is a
finding of the training check. The check finds it later, over the period; the decision says it
at the moment the call is set up, so whoever reads the call sees why it will be a finding. The
note never changes whether or how the call is recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.kit.errors import NotFound
from callwarden.policy import service as policies
from callwarden.training import repository as trainings


def overdue_notes(session: Session, agent_user_id: str | None, at: datetime) -> tuple[str, ...]:
    """The decision's note when the call's agent had training past due and not completed at
    `at` (the call's start), and the policy in force makes such calls findings; else none."""
    if agent_user_id is None:
        return ()
    try:
        consequence = policies.active_compiled(session).document.training.overdue
    except NotFound:
        return ()
    if consequence != "call_findings":
        return ()
    overdue = trainings.overdue_of(session, agent_user_id, at)
    if not overdue:
        return ()
    return (
        "The agent's training is overdue (" + "; ".join(overdue) + "). The policy "
        "(training.overdue: call_findings) makes each call they handle while overdue a finding "
        "of the training check.",
    )
