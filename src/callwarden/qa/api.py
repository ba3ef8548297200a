"""Routes for QA review: `/v1/qa/scorecards`, `/v1/qa/plans`, `/v1/qa/evaluations`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.qa import service
from callwarden.qa.schemas import (
    AcknowledgeIn,
    EvaluationOut,
    PlanIn,
    PlanOut,
    ScorecardIn,
    ScorecardOut,
    SubmitIn,
    describe_evaluation,
    describe_plan,
    describe_scorecard,
)
from callwarden.server.deps import database, read_session, requires

router = APIRouter(tags=["qa review"])


@router.get("/v1/qa/scorecards", response_model=list[ScorecardOut])
def list_scorecards(
    who: Principal = Depends(requires("qa.read")), session: Session = Depends(read_session)
) -> list[dict[str, Any]]:
    return [describe_scorecard(row) for row in service.list_scorecards(session, who)]


@router.post("/v1/qa/scorecards", status_code=201, response_model=ScorecardOut)
def add_scorecard(
    body: ScorecardIn,
    who: Principal = Depends(requires("qa.scorecards.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Store a scorecard as the next version of its name; a card whose weights do not add up
    to 100 is refused with the path and line of each problem."""
    with db.unit_of_work() as session:
        return describe_scorecard(service.add_scorecard(session, who, body.document, body.source))


@router.get("/v1/qa/scorecards/{scorecard_id}", response_model=ScorecardOut)
def show_scorecard(
    scorecard_id: str,
    who: Principal = Depends(requires("qa.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return describe_scorecard(service.get_scorecard(session, who, scorecard_id))


@router.get("/v1/qa/plans", response_model=list[PlanOut])
def list_plans(
    who: Principal = Depends(requires("qa.plans.read")), session: Session = Depends(read_session)
) -> list[dict[str, Any]]:
    return [describe_plan(row) for row in service.list_plans(session, who)]


@router.post("/v1/qa/plans", status_code=201, response_model=PlanOut)
def create_plan(
    body: PlanIn,
    who: Principal = Depends(requires("qa.plans.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Draw a stratified random sample of the period's recordings (reproducible from the seed;
    one is chosen and kept when none is given) and deal it to the QA reviewers."""
    with db.unit_of_work() as session:
        return describe_plan(service.create_plan(session, who, **body.model_dump()))


@router.get("/v1/qa/plans/{plan_id}", response_model=PlanOut)
def show_plan(
    plan_id: str,
    who: Principal = Depends(requires("qa.plans.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """The plan with each compliance item's pass rate (95% Wilson interval, sample size)."""
    plan = service.get_plan(session, who, plan_id)
    return describe_plan(plan, service.compliance_rates(session, who, plan.id))


@router.get("/v1/qa/evaluations", response_model=list[EvaluationOut])
def list_evaluations(
    plan_id: str | None = Query(default=None, max_length=40),
    state: str | None = Query(default=None, max_length=16, description="assigned, submitted…"),
    who: Principal = Depends(requires("qa.read")),
    session: Session = Depends(read_session),
) -> list[dict[str, Any]]:
    """The evaluations you may see: a reviewer's assigned ones, an agent's own, a
    supervisor's team's, or all for the oversight roles."""
    rows = service.list_evaluations(session, who, plan_id, state)
    return [describe_evaluation(row) for row in rows]


@router.get("/v1/qa/evaluations/{evaluation_id}", response_model=EvaluationOut)
def show_evaluation(
    evaluation_id: str,
    who: Principal = Depends(requires("qa.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return describe_evaluation(service.get_evaluation(session, who, evaluation_id))


@router.post("/v1/qa/evaluations/{evaluation_id}/submit", response_model=EvaluationOut)
def submit(
    evaluation_id: str,
    body: SubmitIn,
    who: Principal = Depends(requires("qa.evaluate")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """The reviewer's answers, each with an optional comment at a time point (seconds); the
    score and the pass are computed here from the card's weights."""
    answers = [service.Given(**item.model_dump()) for item in body.answers]
    with db.unit_of_work() as session:
        row = service.submit(session, who, evaluation_id, answers, body.summary)
        return describe_evaluation(row)


@router.post("/v1/qa/evaluations/{evaluation_id}/acknowledge", response_model=EvaluationOut)
def acknowledge(
    evaluation_id: str,
    body: AcknowledgeIn,
    who: Principal = Depends(requires("qa.acknowledge")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """The agent has read their evaluation, once, with an optional comment."""
    with db.unit_of_work() as session:
        return describe_evaluation(service.acknowledge(session, who, evaluation_id, body.comment))
