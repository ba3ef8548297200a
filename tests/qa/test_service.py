"""QA plans and evaluations through the service, on both databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.models import AuditEvent, QaEvaluation, RecordingAssignment
from callwarden.qa import service
from callwarden.qa.sampling import PlanTooLarge
from callwarden.qa.scorecard import ScorecardInvalid
from callwarden.qa.service import Given
from tests.qa.conftest import EXAMPLE, START, Org, principal


def _plan(db: Database, org: Org, size: int = 12, seed: int = 42) -> str:
    with db.unit_of_work() as session:
        return service.create_plan(
            session,
            org.officer,
            period_from=START,
            period_to=START + timedelta(days=3),
            size=size,
            scorecard="inbound-service",
            seed=seed,
        ).id


def _sampled(db: Database, plan_id: str) -> list[str]:
    with db.reading() as session:
        query = select(QaEvaluation.recording_id).where(QaEvaluation.plan_id == plan_id)
        return sorted(session.execute(query).scalars())


ALL_YES: dict[str, Any] = {
    "notice_read": "yes",
    "consent_before_recording": "na",
    "greeting": "yes",
    "identity_checked": "yes",
    "understanding": 5,
    "resolution": 4,
    "summary_given": "no",
}


def _answers(**changes: Any) -> list[Given]:
    return [Given(q, a, at_s=12.5) for q, a in {**ALL_YES, **changes}.items()]


def test_a_card_whose_weights_do_not_add_up_is_refused(db: Database, org: Org) -> None:
    with db.unit_of_work() as session, pytest.raises(ScorecardInvalid, match="not 100"):
        service.add_scorecard(session, org.officer, EXAMPLE.replace("weight: 10", "weight: 11"))
    with db.unit_of_work() as session:
        again = service.add_scorecard(session, org.officer, EXAMPLE)
        assert again.version == 2


def test_same_seed_same_sample_and_private_never_sampled(db: Database, org: Org) -> None:
    first = _plan(db, org, size=41 - 1, seed=9)
    second = _plan(db, org, size=40, seed=9)
    assert _sampled(db, first) == _sampled(db, second)
    assert org.private_id not in _sampled(db, first)


def test_a_plan_larger_than_the_population_is_refused(db: Database, org: Org) -> None:
    with pytest.raises(PlanTooLarge, match="asks for 41 recordings but the period has only 40"):
        _plan(db, org, size=41)
    with db.reading() as session:
        assert session.execute(select(QaEvaluation)).first() is None


def test_reviewers_get_assignments_never_their_own_team(db: Database, org: Org) -> None:
    plan_id = _plan(db, org)
    team_of = {user.id: user.team_id for user in org.reviewers.values()}
    with db.reading() as session:
        rows = session.execute(select(QaEvaluation).where(QaEvaluation.plan_id == plan_id))
        evaluations = list(rows.scalars())
        assert len(evaluations) == 12
        for row in evaluations:
            assert team_of[row.reviewer_user_id] != row.team_id
            granted = select(RecordingAssignment).where(
                RecordingAssignment.recording_id == row.recording_id,
                RecordingAssignment.user_id == row.reviewer_user_id,
            )
            assert session.execute(granted).first() is not None
        plan = service.get_plan(session, org.officer, plan_id)
        strata = {(s["team_id"], s["queue"], s["jurisdictions"]) for s in plan.strata}
        assert all(s["drawn"] >= 1 for s in plan.strata) and len(strata) == len(plan.strata)
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert "qa.plan_created" in actions and "recording.assigned" in actions


@dataclass(frozen=True)
class Assigned:
    id: str
    agent_user_id: str | None
    reviewer_user_id: str


def _first_of(db: Database, org: Org, reviewer: str) -> Assigned:
    with db.reading() as session:
        me = principal(org.reviewers[reviewer])
        (row, *_) = service.list_evaluations(session, me)
        return Assigned(row.id, row.agent_user_id, row.reviewer_user_id)


def test_submit_scores_on_the_server_and_the_agent_acknowledges_once(
    db: Database, org: Org
) -> None:
    _plan(db, org)
    row = _first_of(db, org, "roz")
    roz = principal(org.reviewers["roz"])
    agent = next(u for u in org.agents.values() if u.id == row.agent_user_id)
    with db.reading() as session, pytest.raises(NotFound):  # not submitted: not the agent's yet
        service.get_evaluation(session, principal(agent), row.id)
    with db.unit_of_work() as session:
        done = service.submit(session, roz, row.id, _answers(), summary="<b>fine</b>")
        # consent n/a leaves 85 applicable; earned 15 + 5 + 15 + 20×5/5 + 20×4/5 = 71
        assert done.score == round(71 / 85 * 100, 2)
        assert done.passed is True and done.answers and done.answers[0]["at_s"] == 12.5
    with db.unit_of_work() as session, pytest.raises(Conflict):
        service.submit(session, roz, row.id, _answers())
    with db.unit_of_work() as session:
        acknowledged = service.acknowledge(session, principal(agent), row.id, "thanks")
        assert acknowledged.state == "acknowledged"
    with db.unit_of_work() as session, pytest.raises(Conflict, match="already acknowledged"):
        service.acknowledge(session, principal(agent), row.id)


def test_a_failed_compliance_item_fails_the_evaluation(db: Database, org: Org) -> None:
    plan_id = _plan(db, org)
    row = _first_of(db, org, "rob")
    rob = principal(org.reviewers["rob"])
    with db.unit_of_work() as session:
        done = service.submit(session, rob, row.id, _answers(notice_read="no"))
        assert done.passed is False and done.failed_compliance == ["notice_read"]
    with db.reading() as session:
        rates = {
            r.question: r.rate for r in service.compliance_rates(session, org.officer, plan_id)
        }
        assert (rates["notice_read"].successes, rates["notice_read"].n) == (0, 1)
        assert rates["consent_before_recording"].n == 0  # n/a counts in neither


def test_bad_answers_and_strangers_are_refused(db: Database, org: Org) -> None:
    _plan(db, org)
    row = _first_of(db, org, "rae")
    rae, rob = principal(org.reviewers["rae"]), principal(org.reviewers["rob"])
    with db.unit_of_work() as session, pytest.raises(InvalidInput, match="outside the recording"):
        service.submit(session, rae, row.id, [Given(q, a, at_s=999) for q, a in ALL_YES.items()])
    with db.unit_of_work() as session, pytest.raises(InvalidInput, match="missing: greeting"):
        service.submit(session, rae, row.id, [g for g in _answers() if g.question != "greeting"])
    with db.unit_of_work() as session, pytest.raises(InvalidInput, match="from 0 to 5"):
        service.submit(session, rae, row.id, _answers(understanding=6))
    if row.reviewer_user_id != rob.user_id:
        with db.unit_of_work() as session, pytest.raises(NotFound):
            service.submit(session, rob, row.id, _answers())
    with db.unit_of_work() as session:
        service.submit(session, rae, row.id, _answers())
    other = next(u for u in org.agents.values() if u.id != row.agent_user_id)
    with db.unit_of_work() as session, pytest.raises(NotFound):
        service.acknowledge(session, principal(other), row.id)
    with db.unit_of_work() as session, pytest.raises(Forbidden):
        service.create_plan(
            session,
            rae,
            period_from=START,
            period_to=START + timedelta(days=1),
            size=1,
            scorecard="inbound-service",
        )


def test_a_supervisor_plans_for_their_own_team_only(db: Database, org: Org) -> None:
    from tests.support.factories import make_user

    lead = principal(make_user(db, "supervisor", "sue", "alpha"))
    with db.unit_of_work() as session:
        plan = service.create_plan(
            session,
            lead,
            period_from=START,
            period_to=START + timedelta(days=3),
            size=5,
            scorecard="inbound-service",
            seed=3,
        )
        assert plan.population == 20  # alpha's recordings, the private one left out
        plan_id = plan.id
    with db.reading() as session:
        rows = service.list_evaluations(session, lead, plan_id)
        assert {row.team_id for row in rows} == {org.teams["alpha"]}
        other = principal(make_user(db, "supervisor", "sam", "beta"))
        with pytest.raises(NotFound):
            service.get_plan(session, other, plan_id)
