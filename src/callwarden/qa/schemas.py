"""The API's shapes for QA review, and how each row is described (the console shows the same)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from callwarden.kit.inputs import WHOLE_NUMBER, RequestModel, Timestamp
from callwarden.models import QaEvaluation, QaPlan, QaScorecard
from callwarden.qa.scorecard import MAX_SCORECARD_SOURCE
from callwarden.qa.service import ItemRate


class ScorecardIn(RequestModel):
    document: str = Field(max_length=MAX_SCORECARD_SOURCE, description="The scorecard's YAML")
    source: str = Field(default="scorecard", max_length=200, description="Its file name")


class ScorecardOut(BaseModel):
    scorecard_id: str
    name: str
    version: int
    title: str
    fail_on_compliance: bool
    sections: list[dict[str, Any]]
    created_by: str
    created_at: str


class PlanIn(RequestModel):
    period_from: Timestamp
    period_to: Timestamp
    size: Annotated[int, Field(strict=False, ge=1, le=100_000), WHOLE_NUMBER]
    seed: Annotated[int, Field(strict=False, ge=0, le=2**31 - 1), WHOLE_NUMBER] | None = None
    scorecard: str = Field(max_length=120, description="A scorecard id, or a name (latest)")


class RateOut(BaseModel):
    question: str
    text: str
    passes: int
    n: int
    estimate: float
    low: float
    high: float
    described: str


class PlanOut(BaseModel):
    plan_id: str
    scorecard_id: str
    period_from: str
    period_to: str
    size: int
    seed: int
    population: int
    strata: list[dict[str, Any]]
    unassigned: list[dict[str, Any]]
    created_by: str
    created_at: str
    rates: list[RateOut] | None = None


class AnswerIn(RequestModel):
    question: str = Field(max_length=64)
    answer: str | Annotated[int, Field(ge=0, le=10)] = Field(
        description="yes, no, na, or a whole number on the question's scale"
    )
    comment: str | None = Field(default=None, max_length=2000)
    at_s: Annotated[float, Field(strict=False, ge=0, le=1_000_000)] | None = Field(
        default=None, description="The point in the recording this answer is about (seconds)"
    )


class SubmitIn(RequestModel):
    answers: list[AnswerIn] = Field(max_length=200)
    summary: str | None = Field(default=None, max_length=2000)


class AcknowledgeIn(RequestModel):
    comment: str | None = Field(default=None, max_length=2000)


class EvaluationOut(BaseModel):
    evaluation_id: str
    plan_id: str
    scorecard_id: str
    recording_id: str
    reviewer_user_id: str
    agent_user_id: str | None
    team_id: str | None
    state: str
    answers: list[dict[str, Any]] | None
    score: float | None
    passed: bool | None
    failed_compliance: list[str] | None
    summary: str | None
    assigned_at: str
    submitted_at: str | None
    acknowledged_at: str | None
    acknowledgement: str | None
    redo_of: str | None = Field(
        default=None, description="The evaluation this one re-does (an upheld dispute)."
    )
    superseded_at: str | None = Field(
        default=None,
        description="When a re-do replaced it: kept, with its score, for the history, and "
        "counted in no rate.",
    )


def describe_scorecard(row: QaScorecard) -> dict[str, Any]:
    return {
        "scorecard_id": row.id,
        "name": row.name,
        "version": row.version,
        "title": row.document["title"],
        "fail_on_compliance": row.document["fail_on_compliance"],
        "sections": row.document["sections"],
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


def describe_rate(item: ItemRate) -> dict[str, Any]:
    rate = item.rate
    return {
        "question": item.question,
        "text": item.text,
        "passes": rate.successes,
        "n": rate.n,
        "estimate": rate.estimate,
        "low": rate.low,
        "high": rate.high,
        "described": rate.describe(),
    }


def describe_plan(row: QaPlan, rates: list[ItemRate] | None = None) -> dict[str, Any]:
    return {
        "plan_id": row.id,
        "scorecard_id": row.scorecard_id,
        "period_from": row.period_from.isoformat(),
        "period_to": row.period_to.isoformat(),
        "size": row.size,
        "seed": row.seed,
        "population": row.population,
        "strata": row.strata,
        "unassigned": row.unassigned,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "rates": None if rates is None else [describe_rate(item) for item in rates],
    }


def describe_evaluation(row: QaEvaluation) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "evaluation_id": row.id,
        "plan_id": row.plan_id,
        "scorecard_id": row.scorecard_id,
        "recording_id": row.recording_id,
        "reviewer_user_id": row.reviewer_user_id,
        "agent_user_id": row.agent_user_id,
        "team_id": row.team_id,
        "state": row.state,
        "answers": row.answers,
        "score": row.score,
        "passed": row.passed,
        "failed_compliance": row.failed_compliance,
        "summary": row.summary,
        "assigned_at": row.assigned_at.isoformat(),
        "submitted_at": when(row.submitted_at),
        "acknowledged_at": when(row.acknowledged_at),
        "acknowledgement": row.acknowledgement,
        "redo_of": row.redo_of,
        "superseded_at": when(row.superseded_at),
    }
