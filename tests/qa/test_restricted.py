"""A recording restricted by an open private-call case leaves QA: a plan drawn while it is
restricted never samples it, and a reviewer already assigned to it may no longer play it
(the refusal names the case, nothing of its content). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import Case, QaEvaluation, Recording
from callwarden.qa import service
from callwarden.recordings import restrictions
from callwarden.recordings import service as recordings
from tests.qa.conftest import START, Org, principal
from tests.support.case_rows import filed_case


def _restrict(db: Database, recording_id: str) -> None:
    case_id = filed_case(db, "private_call", recording_id=recording_id)
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        restrictions.restrict(session, "user:ada", case)


def _plan(db: Database, org: Org, size: int) -> tuple[int, list[str]]:
    with db.unit_of_work() as session:
        plan = service.create_plan(
            session,
            org.officer,
            period_from=START,
            period_to=START + timedelta(days=3),
            size=size,
            scorecard="inbound-service",
            seed=7,
        )
        query = select(QaEvaluation.recording_id).where(QaEvaluation.plan_id == plan.id)
        return plan.population, list(session.execute(query).scalars())


def test_a_restricted_recording_is_never_sampled(db: Database, org: Org) -> None:
    with db.reading() as session:
        first = (
            session.execute(
                select(Recording.id).where(Recording.private.is_(False)).order_by(Recording.id)
            )
            .scalars()
            .first()
        )
    assert first is not None
    _restrict(db, first)
    population, sampled = _plan(db, org, 39)
    assert population == 39  # 40 in the period, less the restricted one (the private one never)
    assert first not in sampled


def test_an_assigned_reviewer_may_not_play_it_once_restricted(db: Database, org: Org) -> None:
    _population, sampled = _plan(db, org, 12)
    with db.reading() as session:
        evaluation = session.execute(
            select(QaEvaluation).where(QaEvaluation.recording_id == sampled[0])
        ).scalar_one()
        reviewer = next(
            user for user in org.reviewers.values() if user.id == evaluation.reviewer_user_id
        )
        recording = session.get(Recording, sampled[0])
        assert recording is not None
        assert recordings.play_verdict(session, principal(reviewer), recording)
    _restrict(db, sampled[0])
    with db.reading() as session:
        recording = session.get(Recording, sampled[0])
        assert recording is not None
        verdict = recordings.play_verdict(session, principal(reviewer), recording)
        assert not verdict and "CASE-0001" in verdict.reason
        assert "doctor" not in verdict.reason
