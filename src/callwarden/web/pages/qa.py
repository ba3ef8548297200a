"""QA review in the console: the desk (a reviewer's queue, plans and their rates for the QA
leads and auditors), an evaluation beside its recording's player, and an agent's own
evaluations with their acknowledgement.

Every rule is the QA domain's (`qa.service`, `qa.access`): the pages call the services the API
calls, so an evaluation out of reach answers exactly as one that does not exist. The player
reuses the recordings' listening grant: the reviewer gives a reason, the grant names the
audited event, and the audio route of the recording's own page streams it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity import service as identities
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.models import QaEvaluation
from callwarden.qa import service
from callwarden.qa.schemas import describe_evaluation, describe_plan, describe_rate
from callwarden.recordings import listening
from callwarden.recordings import service as recordings
from callwarden.recordings.streaming import denials_audited
from callwarden.server.deps import database, read_session
from callwarden.web import grants
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("QA", "/qa", "qa.desk", order=35)


def _names(session: Session, rows: list[QaEvaluation]) -> dict[str, str]:
    ids = {i for row in rows for i in (row.reviewer_user_id, row.agent_user_id) if i}
    found = {i: identities.find_user_by_id(session, i) for i in ids}
    return {i: user.username for i, user in found.items() if user is not None}


def listed(session: Session, rows: list[QaEvaluation]) -> list[dict[str, Any]]:
    names = _names(session, rows)
    return [
        {
            **describe_evaluation(row),
            "reviewer": names.get(row.reviewer_user_id, "—"),
            "agent": names.get(row.agent_user_id or "", "—"),
        }
        for row in rows
    ]


@router.get("/qa")
def desk(
    request: Request,
    who: Principal = Depends(console_requires("qa.desk")),
    session: Session = Depends(read_session),
) -> Response:
    """What this person does in QA: their queue, the plans they may read, the scorecards."""
    planner = bool(may(who, "qa.plans.manage"))
    context: dict[str, Any] = {
        "evaluations": listed(session, service.list_evaluations(session, who)),
        "reviewer": bool(may(who, "qa.evaluate")),
        "planner": planner,
        "plans": [describe_plan(p) for p in service.list_plans(session, who)]
        if may(who, "qa.plans.read")
        else None,
        "scorecards": service.list_scorecards(session, who),
        "today": clock.now().date(),
        "month_ago": (clock.now() - timedelta(days=30)).date(),
    }
    return render(request, "qa_desk.html", context, who=who)


def _day(value: str, what: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{what}: give a date such as 2026-11-01") from None


@router.post("/qa/plans", dependencies=[Depends(csrf_checked)])
def create_plan(
    request: Request,
    period_from: str = Form(max_length=10),
    period_to: str = Form(max_length=10),
    size: int = Form(ge=1, le=100_000),
    seed: str = Form(default="", max_length=10),
    scorecard: str = Form(max_length=120),
    who: Principal = Depends(console_requires("qa.plans.manage")),
    db: Database = Depends(database),
) -> Response:
    """Draw and deal a plan; the period's end day is included."""
    if seed.strip() and not seed.strip().isdigit():
        raise InvalidInput("the seed is a whole number (or leave it empty to have one chosen)")
    with db.unit_of_work() as session:
        plan = service.create_plan(
            session,
            who,
            period_from=_day(period_from, "from"),
            period_to=_day(period_to, "to") + timedelta(days=1),
            size=size,
            scorecard=scorecard,
            seed=int(seed) if seed.strip() else None,
        )
        plan_id = plan.id
    return redirect(request, f"/qa/plans/{quote(plan_id)}")


@router.get("/qa/plans/{plan_id}")
def plan_page(
    request: Request,
    plan_id: str,
    who: Principal = Depends(console_requires("qa.plans.read")),
    session: Session = Depends(read_session),
) -> Response:
    """A plan: how it was drawn, what no reviewer could take, the rates, its evaluations."""
    plan = service.get_plan(session, who, plan_id)
    context = {
        "plan": describe_plan(plan),
        "scorecard": service.get_scorecard(session, who, plan.scorecard_id),
        "rates": [describe_rate(r) for r in service.compliance_rates(session, who, plan.id)],
        "evaluations": listed(session, service.list_evaluations(session, who, plan.id)),
    }
    return render(request, "qa_plan.html", context, who=who)


@router.get("/qa/evaluations/{evaluation_id}")
def evaluation_page(
    request: Request,
    evaluation_id: str,
    grant: str | None = Query(default=None, max_length=400),
    who: Principal = Depends(console_requires("qa.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The evaluation: the form beside the player for its reviewer; the answers, and the
    acknowledgement for its agent, once submitted."""
    row = service.get_evaluation(session, who, evaluation_id)
    card = service.document_of(service.get_scorecard(session, who, row.scorecard_id))
    recording = recordings.find_recording(session, row.recording_id)
    reason = None
    if grant and recording is not None:
        seq = grants.recorded_seq(request, grant, recording.id)
        reason = listening.granted_reason(session, who, recording.id, seq) if seq else None
    given = {item["question"]: item for item in row.answers or []}
    context = {
        "evaluation": listed(session, [row])[0],
        "card": card,
        "given": given,
        "duration": recording.duration_s if recording else 0.0,
        "may_submit": row.state == "assigned" and bool(may(who, "qa.evaluate")),
        "may_acknowledge": row.state == "submitted" and row.agent_user_id == who.user_id,
        "may_dispute": row.state in ("submitted", "acknowledged")
        and row.agent_user_id == who.user_id,
        "may_play": bool(recordings.role_listens(session, who)),
        "player": {"grant": grant, "reason": reason} if reason else None,
        "grant_given": grant is not None,
        "back": "/qa/mine" if may(who, "qa.own") else "/qa",
    }
    return render(request, "qa_evaluation.html", context, who=who)


@router.post("/qa/evaluations/{evaluation_id}/listen", dependencies=[Depends(csrf_checked)])
def listen(
    request: Request,
    evaluation_id: str,
    reason: str = Form(max_length=500),
    who: Principal = Depends(console_requires("qa.read")),
    db: Database = Depends(database),
) -> Response:
    """Record why this person listens (the recordings' own rule), then show the player here."""
    with db.reading() as session:
        recording_id = service.get_evaluation(session, who, evaluation_id).recording_id
    with (
        denials_audited(db, who, "recordings.play", recording_id),
        db.unit_of_work() as session,
    ):
        granted = listening.grant_listening(session, who, recording_id, reason)
    token = grants.issue(request, granted)
    return redirect(request, f"/qa/evaluations/{quote(evaluation_id)}?grant={token}#player")


@router.post("/qa/evaluations/{evaluation_id}/submit", dependencies=[Depends(csrf_checked)])
async def submit(
    request: Request,
    evaluation_id: str,
    who: Principal = Depends(console_requires("qa.evaluate")),
    db: Database = Depends(database),
) -> Response:
    """The form's answers (`answer-ID`, `at-ID`, `comment-ID`) given to the service as the
    API gives them; the score is computed there."""
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    with db.reading() as session:
        row = service.get_evaluation(session, who, evaluation_id)
        card = service.document_of(service.get_scorecard(session, who, row.scorecard_id))
    answers: list[service.Given] = []
    for question in card.questions():
        raw = text(f"answer-{question.id}")
        at = text(f"at-{question.id}")
        try:
            answer: Any = int(raw) if question.answer == "scale" and raw else raw
            at_s = float(at) if at else None
        except ValueError:
            raise InvalidInput(f"{question.id}: give a number") from None
        answers.append(service.Given(question.id, answer, text(f"comment-{question.id}"), at_s))
    with db.unit_of_work() as session:
        service.submit(session, who, evaluation_id, answers, text("summary") or None)
    return redirect(request, f"/qa/evaluations/{quote(evaluation_id)}")


@router.post("/qa/evaluations/{evaluation_id}/acknowledge", dependencies=[Depends(csrf_checked)])
def acknowledge(
    request: Request,
    evaluation_id: str,
    comment: str = Form(default="", max_length=2000),
    who: Principal = Depends(console_requires("qa.acknowledge")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        service.acknowledge(session, who, evaluation_id, comment.strip() or None)
    return redirect(request, f"/qa/evaluations/{quote(evaluation_id)}")
