"""QA review: storing scorecards, drawing and dealing plans, evaluating and acknowledging.

Every step is audited in the caller's transaction. A plan's sample is drawn from the period's
stored, not private, not restricted recordings (for a supervisor, only their own team's), and
each sampled recording is given to its reviewer as a recording assignment, so the reviewer can
play it through the same access rule as any other assigned recording. An evaluation re-done
(an upheld dispute, `redo.redo_evaluation`) is kept, superseded, for the score history, and
counts in no rate.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import service as identities
from callwarden.identity.policies import SEES_EVERYTHING, require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.models import QaEvaluation, QaPlan, QaScorecard, Recording
from callwarden.qa import repository
from callwarden.qa.access import visible
from callwarden.qa.rates import Rate, wilson
from callwarden.qa.redo import Redone as Redone
from callwarden.qa.redo import redo_evaluation as redo_evaluation
from callwarden.qa.sampling import Candidate, Reviewer, deal, draw
from callwarden.qa.scorecard import Answer, ScorecardDocument, check_answer, parse_scorecard
from callwarden.qa.scorecard import score as score_of
from callwarden.recordings import service as recordings

MAX_COMMENT = 2000


def add_scorecard(
    session: Session, principal: Principal, text: str, source: str = "scorecard"
) -> QaScorecard:
    """Store a card as the next version of its name (refused whole, at its lines, if invalid)."""
    require(principal, "qa.scorecards.manage")
    card = parse_scorecard(text, source)
    version = repository.latest_version(session, card.scorecard) + 1
    row = QaScorecard(
        id=new_id("qsc"),
        name=card.scorecard,
        version=version,
        document=card.model_dump(mode="json"),
        source=text,
        created_by=principal.actor,
        created_at=clock.now(),
    )
    repository.add(session, row)
    audit.record(
        session,
        actor=principal.actor,
        action="qa.scorecard_added",
        target=f"qa_scorecard:{row.id}",
        data={"name": row.name, "version": version},
    )
    return row


def document_of(row: QaScorecard) -> ScorecardDocument:
    return ScorecardDocument.model_validate(row.document)


def list_scorecards(session: Session, principal: Principal) -> list[QaScorecard]:
    require(principal, "qa.read")
    return repository.scorecards(session)


def get_scorecard(session: Session, principal: Principal, ref: str) -> QaScorecard:
    """A card by id, or by name (its latest version)."""
    require(principal, "qa.read")
    row = repository.scorecard(session, ref) or repository.latest_named(session, ref)
    if row is None:
        raise NotFound(f"no scorecard {ref!r}")
    return row


def _candidate(recording: Recording) -> Candidate:
    return Candidate(
        recording.id,
        recording.agent_user_id,
        recording.team_id,
        recording.queue,
        tuple(recording.jurisdictions or ()),
    )


def create_plan(
    session: Session,
    principal: Principal,
    *,
    period_from: datetime,
    period_to: datetime,
    size: int,
    scorecard: str,
    seed: int | None = None,
) -> QaPlan:
    """Draw a stratified sample of the period and deal it to the QA reviewers."""
    require(principal, "qa.plans.manage")
    if period_to <= period_from:
        raise InvalidInput("the period's end must come after its start")
    card = get_scorecard(session, principal, scorecard)
    seed = secrets.randbelow(2**31) if seed is None else seed
    if not 0 <= seed < 2**31:
        raise InvalidInput("the seed must be a whole number from 0 to 2147483647")
    population = [_candidate(row) for row in recordings.sampleable(session, period_from, period_to)]
    if principal.role not in SEES_EVERYTHING:  # a supervisor plans for their own team only
        population = [c for c in population if c.team_id and c.team_id == principal.team_id]
    sample = draw(population, size, seed)
    reviewers = [
        Reviewer(user.id, user.username, user.team_id)
        for user in identities.active_users_with_role(session, Role.QA_REVIEWER.value)
    ]
    dealt = deal(sample.chosen, reviewers)
    plan = QaPlan(
        id=new_id("qpl"),
        scorecard_id=card.id,
        period_from=period_from,
        period_to=period_to,
        size=size,
        seed=seed,
        population=len(population),
        strata=[
            {
                "team_id": s.key[0],
                "agent_user_id": s.key[1],
                "queue": s.key[2],
                "jurisdictions": s.key[3],
                "size": s.size,
                "drawn": s.drawn,
            }
            for s in sample.strata
        ],
        unassigned=[
            {
                "recording_id": c.recording_id,
                "reason": "every QA reviewer took the call or is on its team",
            }
            for c in dealt.unassigned
        ],
        created_by=principal.actor,
        created_at=clock.now(),
    )
    repository.add(session, plan)
    now = clock.now()
    for candidate, reviewer in dealt.assigned:
        repository.add(
            session,
            QaEvaluation(
                id=new_id("qev"),
                plan_id=plan.id,
                scorecard_id=card.id,
                recording_id=candidate.recording_id,
                reviewer_user_id=reviewer.user_id,
                agent_user_id=candidate.agent_user_id,
                team_id=candidate.team_id,
                state="assigned",
                assigned_at=now,
            ),
        )
        recordings.assign_for_review(
            session,
            principal.actor,
            candidate.recording_id,
            reviewer.user_id,
            f"QA plan {plan.id}",
        )
    audit.record(
        session,
        actor=principal.actor,
        action="qa.plan_created",
        target=f"qa_plan:{plan.id}",
        data={
            "scorecard": card.id,
            "period": [period_from.isoformat(), period_to.isoformat()],
            "size": size,
            "seed": seed,
            "population": len(population),
            "sample": [c.recording_id for c in sample.chosen],
            "unassigned": [c.recording_id for c in dealt.unassigned],
        },
    )
    return plan


def list_plans(session: Session, principal: Principal) -> list[QaPlan]:
    """Every plan for the oversight roles; a supervisor's own plans (of their own team)."""
    require(principal, "qa.plans.read")
    plans = repository.plans(session)
    if principal.role in SEES_EVERYTHING:
        return plans
    return [plan for plan in plans if plan.created_by == principal.actor]


def get_plan(session: Session, principal: Principal, plan_id: str) -> QaPlan:
    """A plan this principal may read (a supervisor's own), or NotFound as for a missing one."""
    require(principal, "qa.plans.read")
    plan = repository.plan(session, plan_id)
    if plan is None or not (
        principal.role in SEES_EVERYTHING or plan.created_by == principal.actor
    ):
        raise NotFound(f"no QA plan {plan_id!r}")
    return plan


def list_evaluations(
    session: Session,
    principal: Principal,
    plan_id: str | None = None,
    state: str | None = None,
) -> list[QaEvaluation]:
    """The evaluations this principal may see: a reviewer's queue, an agent's own, and so on."""
    require(principal, "qa.read")
    return repository.evaluations(session, visible(principal), plan_id, state)


def get_evaluation(session: Session, principal: Principal, evaluation_id: str) -> QaEvaluation:
    require(principal, "qa.read")
    row = repository.evaluation(session, evaluation_id, visible(principal))
    if row is None:
        raise NotFound(f"no evaluation {evaluation_id!r}")
    return row


@dataclass(frozen=True, slots=True)
class Given:
    """One answer as a reviewer gives it: with an optional comment at a point in the audio."""

    question: str
    answer: Any
    comment: str | None = None
    at_s: float | None = None


def submit(
    session: Session,
    principal: Principal,
    evaluation_id: str,
    answers: list[Given],
    summary: str | None = None,
) -> QaEvaluation:
    """Record the reviewer's answers once; the score and pass come from the card, here."""
    require(principal, "qa.evaluate")
    row = get_evaluation(session, principal, evaluation_id)
    if row.state != "assigned":
        raise Conflict(f"evaluation {row.id} was already submitted")
    scorecard = repository.scorecard(session, row.scorecard_id)
    assert scorecard is not None  # a foreign key
    card = document_of(scorecard)
    recording = recordings.find_recording(session, row.recording_id)
    duration = recording.duration_s if recording else 0.0
    checked: dict[str, Answer] = {}
    stored: list[dict[str, Any]] = []
    for given in answers:
        question = card.question(given.question)
        if question is None:
            raise InvalidInput(f"the scorecard has no question {given.question!r}")
        if question.id in checked:
            raise InvalidInput(f"{question.id} is answered twice")
        checked[question.id] = check_answer(question, given.answer)
        if given.at_s is not None and not 0 <= given.at_s <= duration:
            raise InvalidInput(
                f"{question.id}: the time point {given.at_s:g} s is outside the recording "
                f"(0–{duration:g} s)"
            )
        if given.comment is not None and len(given.comment) > MAX_COMMENT:
            raise InvalidInput(f"{question.id}: a comment is at most {MAX_COMMENT} characters")
        stored.append(
            {
                "question": question.id,
                "answer": checked[question.id],
                "comment": given.comment or None,
                "at_s": given.at_s,
            }
        )
    missing = [q.id for q in card.questions() if q.id not in checked]
    if missing:
        raise InvalidInput(f"answer every question; missing: {', '.join(missing)}")
    if summary is not None and len(summary) > MAX_COMMENT:
        raise InvalidInput(f"the summary is at most {MAX_COMMENT} characters")
    outcome = score_of(card, checked)
    row.answers = stored
    row.score = outcome.score
    row.passed = outcome.passed
    row.failed_compliance = outcome.failed_compliance
    row.summary = summary or None
    row.state = "submitted"
    row.submitted_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="qa.evaluation_submitted",
        target=f"qa_evaluation:{row.id}",
        data={
            "recording": row.recording_id,
            "score": outcome.score,
            "passed": outcome.passed,
            "failed_compliance": outcome.failed_compliance,
        },
    )
    return row


def acknowledge(
    session: Session, principal: Principal, evaluation_id: str, comment: str | None = None
) -> QaEvaluation:
    """The agent has read their evaluation (once), with an optional comment of their own."""
    require(principal, "qa.acknowledge")
    row = get_evaluation(session, principal, evaluation_id)
    if row.agent_user_id is None or row.agent_user_id != principal.user_id:
        raise Forbidden("only the agent of the call acknowledges its evaluation")
    if row.state == "acknowledged":
        raise Conflict(f"evaluation {row.id} was already acknowledged")
    if row.state != "submitted":
        raise Conflict(f"evaluation {row.id} has not been submitted yet")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise InvalidInput(f"a comment is at most {MAX_COMMENT} characters")
    row.state = "acknowledged"
    row.acknowledged_at = clock.now()
    row.acknowledgement = comment or None
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="qa.evaluation_acknowledged",
        target=f"qa_evaluation:{row.id}",
        data={"comment": bool(comment)},
    )
    return row


@dataclass(frozen=True, slots=True)
class ItemRate:
    question: str
    text: str
    rate: Rate


def compliance_rates(session: Session, principal: Principal, plan_id: str) -> list[ItemRate]:
    """Each compliance item's pass rate over the plan's submitted evaluations ("n/a" left
    out of both counts; a superseded evaluation, re-done after a dispute, left out), with its
    Wilson interval and sample size."""
    plan = get_plan(session, principal, plan_id)
    scorecard = repository.scorecard(session, plan.scorecard_id)
    assert scorecard is not None
    card = document_of(scorecard)
    done = [
        row
        for row in repository.evaluations(session, visible(principal), plan.id, None)
        if row.state != "assigned" and row.answers and row.superseded_at is None
    ]
    return item_rates(card, [row.answers or [] for row in done])


def item_rates(card: ScorecardDocument, answered: list[list[dict[str, Any]]]) -> list[ItemRate]:
    """Each compliance item of `card` over these evaluations' stored answers: "yes" of the
    answers other than "n/a" (the compliance report counts its QA figures with this too)."""
    rates: list[ItemRate] = []
    for question in card.questions():
        if not question.compliance:
            continue
        given = [
            item["answer"]
            for answers in answered
            for item in answers
            if item["question"] == question.id and item["answer"] != "na"
        ]
        passes = sum(1 for answer in given if answer == "yes")
        rates.append(ItemRate(question.id, question.text, wilson(passes, len(given))))
    return rates
