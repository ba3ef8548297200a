"""All SQL of QA review: scorecards, plans and evaluations."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from callwarden.models import QaEvaluation, QaPlan, QaScorecard

LIST_LIMIT = 500


def add(session: Session, row: QaScorecard | QaPlan | QaEvaluation) -> None:
    session.add(row)
    session.flush()


def latest_version(session: Session, name: str) -> int:
    query = select(func.max(QaScorecard.version)).where(QaScorecard.name == name)
    return session.execute(query).scalar_one() or 0


def scorecard(session: Session, scorecard_id: str) -> QaScorecard | None:
    return session.get(QaScorecard, scorecard_id)


def latest_named(session: Session, name: str) -> QaScorecard | None:
    query = select(QaScorecard).where(QaScorecard.name == name).order_by(QaScorecard.version.desc())
    return session.execute(query.limit(1)).scalar_one_or_none()


def scorecards(session: Session) -> list[QaScorecard]:
    query = select(QaScorecard).order_by(QaScorecard.name, QaScorecard.version.desc())
    return list(session.execute(query.limit(LIST_LIMIT)).scalars())


def plan(session: Session, plan_id: str) -> QaPlan | None:
    return session.get(QaPlan, plan_id)


def plans(session: Session) -> list[QaPlan]:
    query = select(QaPlan).order_by(QaPlan.created_at.desc(), QaPlan.id)
    return list(session.execute(query.limit(LIST_LIMIT)).scalars())


def evaluation(
    session: Session, evaluation_id: str, within: ColumnElement[bool]
) -> QaEvaluation | None:
    query = select(QaEvaluation).where(QaEvaluation.id == evaluation_id, within)
    return session.execute(query).scalar_one_or_none()


def evaluations(
    session: Session, within: ColumnElement[bool], plan_id: str | None, state: str | None
) -> list[QaEvaluation]:
    query = select(QaEvaluation).where(within)
    if plan_id is not None:
        query = query.where(QaEvaluation.plan_id == plan_id)
    if state is not None:
        query = query.where(QaEvaluation.state == state)
    query = query.order_by(QaEvaluation.assigned_at.desc(), QaEvaluation.id)
    return list(session.execute(query.limit(LIST_LIMIT)).scalars())


def redo_of(session: Session, evaluation_id: str) -> QaEvaluation | None:
    """The evaluation that re-does this one, if any."""
    query = select(QaEvaluation).where(QaEvaluation.redo_of == evaluation_id)
    return session.execute(query.limit(1)).scalar_one_or_none()
