"""Re-doing an evaluation after an upheld dispute: by another reviewer, the first kept.

The new evaluation joins the first one's plan and recording and names it (`redo_of`); the first
keeps its answers and score, is marked `superseded_at`, and from then on counts in no rate
(`service.compliance_rates`, the report's `qa_figures`). Its reviewer is the first, by
username, of the active QA reviewers who is not the first reviewer and may review the call by
the plans' own rule (`sampling.may_review`). Audited in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, NotFound
from callwarden.kit.ids import new_id
from callwarden.models import QaEvaluation
from callwarden.qa import repository
from callwarden.qa.access import visible
from callwarden.qa.sampling import Candidate, Reviewer, may_review
from callwarden.recordings import service as recordings


@dataclass(frozen=True, slots=True)
class Redone:
    """What re-doing an evaluation did: the superseded one, and its successor (None when no
    other reviewer may take it: it waits for one, and `redo_evaluation` may be asked again)."""

    superseded: QaEvaluation
    redo: QaEvaluation | None


def _next_reviewer(session: Session, old: QaEvaluation) -> Reviewer | None:
    """The first reviewer, by username, who is not the first one and may review the call by
    the plans' own rule (never one's own call, never one's own team's)."""
    candidate = Candidate(old.recording_id, old.agent_user_id, old.team_id, None, ())
    reviewers = sorted(
        (
            Reviewer(user.id, user.username, user.team_id)
            for user in identities.active_users_with_role(session, Role.QA_REVIEWER.value)
        ),
        key=lambda reviewer: reviewer.username,
    )
    for reviewer in reviewers:
        if reviewer.user_id != old.reviewer_user_id and may_review(reviewer, candidate):
            return reviewer
    return None


def redo_evaluation(
    session: Session, principal: Principal, evaluation_id: str, reason: str
) -> Redone:
    """Have a submitted evaluation done again by another reviewer (an upheld dispute): the old
    one is superseded and kept, with its score, for the history; the new one names it
    (`redo_of`) and is assigned like a plan's, so its reviewer may play the recording."""
    require(principal, "qa.plans.manage")
    old = repository.evaluation(session, evaluation_id, visible(principal))
    if old is None:
        raise NotFound(f"no evaluation {evaluation_id!r}")
    if repository.redo_of(session, old.id) is not None:
        raise Conflict(f"evaluation {old.id} was already re-done")
    if old.state == "assigned":
        raise Conflict(f"evaluation {old.id} has not been submitted: there is nothing to re-do")
    now = clock.now()
    old.superseded_at = old.superseded_at or now
    reviewer = _next_reviewer(session, old)
    redo = None
    if reviewer is not None:
        redo = QaEvaluation(
            id=new_id("qev"),
            plan_id=old.plan_id,
            scorecard_id=old.scorecard_id,
            recording_id=old.recording_id,
            reviewer_user_id=reviewer.user_id,
            agent_user_id=old.agent_user_id,
            team_id=old.team_id,
            state="assigned",
            assigned_at=now,
            redo_of=old.id,
        )
        repository.add(session, redo)
        recordings.assign_for_review(
            session, principal.actor, old.recording_id, reviewer.user_id, f"re-do of {old.id}"
        )
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="qa.evaluation_redone",
        target=f"qa_evaluation:{old.id}",
        reason=reason[:500],
        data={
            "redo": redo.id if redo else None,
            "reviewer_user_id": reviewer.user_id if reviewer else None,
            "superseded_score": old.score,
        },
    )
    return Redone(old, redo)
