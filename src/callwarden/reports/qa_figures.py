"""The report's QA figures: the submitted evaluations of the period's recordings (not those
superseded by a re-do after an upheld dispute, which stay for the score history only).

An evaluation belongs to the period of the recording it reviews (plans are drawn from a
period's recordings), so the QA section and the `qa_compliance` indicator count the same
evaluations. These are a sample: every rate carries its Wilson interval. The evaluations are
read as rows, which is fine for a sample (hundreds, not the period's calls); the items' rates
are `qa.service.item_rates`, the rule the QA desk uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue.notice_audio import recorded_in
from callwarden.checks.registry import Period
from callwarden.models import QaEvaluation, QaScorecard, Recording
from callwarden.qa import service as qa
from callwarden.qa.rates import wilson
from callwarden.qa.scorecard import ScorecardDocument
from callwarden.reports.figures import Tally
from callwarden.reports.model import QaItem, QaResults
from callwarden.reports.weeks import index_of

SUBMITTED = ("submitted", "acknowledged")


@dataclass
class TeamQa:
    evaluations: int = 0
    passed: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None


@dataclass(frozen=True)
class QaFigures:
    results: QaResults
    compliance: Tally  # (compliance items answered yes, answered) per team and week
    teams: dict[str | None, TeamQa]


def _cards(session: Session, ids: set[str]) -> dict[str, tuple[str, ScorecardDocument]]:
    if not ids:
        return {}
    rows = session.execute(select(QaScorecard).where(QaScorecard.id.in_(sorted(ids)))).scalars()
    return {row.id: (f"{row.name} v{row.version}", qa.document_of(row)) for row in rows}


def gather_qa(session: Session, period: Period) -> QaFigures:
    query = (
        select(
            QaEvaluation.team_id,
            QaEvaluation.scorecard_id,
            QaEvaluation.passed,
            QaEvaluation.score,
            QaEvaluation.answers,
            Recording.started_at,
        )
        .join(Recording, Recording.id == QaEvaluation.recording_id)
        .where(
            recorded_in(period),
            QaEvaluation.state.in_(SUBMITTED),
            QaEvaluation.superseded_at.is_(None),  # re-done after a dispute: history only
        )
        .order_by(QaEvaluation.id)
    )
    rows = session.execute(query).all()
    cards = _cards(session, {row.scorecard_id for row in rows})
    compliance_items = {
        card_id: {q.id for q in document.questions() if q.compliance}
        for card_id, (_, document) in cards.items()
    }
    cells: dict[tuple[str | None, int], tuple[int, int]] = defaultdict(lambda: (0, 0))
    answered: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
    teams: dict[str | None, TeamQa] = defaultdict(TeamQa)
    passed = 0
    scores: list[float] = []
    for team_id, card_id, did_pass, score, answers, started_at in rows:
        given = [a for a in answers or [] if a.get("question") in compliance_items[card_id]]
        answered[card_id].append(given)
        applicable = [a for a in given if a.get("answer") != "na"]
        yes = sum(1 for a in applicable if a.get("answer") == "yes")
        key = (team_id, index_of(started_at, period))
        old_yes, old_n = cells[key]
        cells[key] = (old_yes + yes, old_n + len(applicable))
        team = teams[team_id]
        team.evaluations += 1
        team.passed += 1 if did_pass else 0
        passed += 1 if did_pass else 0
        if score is not None:
            team.scores.append(float(score))
            scores.append(float(score))
    items = tuple(
        QaItem(scorecard=label, question=rate.text, rate=rate.rate)
        for card_id, (label, document) in sorted(cards.items(), key=lambda c: c[1][0])
        for rate in qa.item_rates(document, answered[card_id])
    )
    results = QaResults(
        evaluations=len(rows),
        pass_rate=wilson(passed, len(rows)),
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        items=items,
    )
    return QaFigures(results, Tally(dict(cells)), dict(teams))
