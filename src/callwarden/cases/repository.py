"""All SQL of cases: the cases, their entries, the lists and the handlers' loads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import Case, CaseEntry, LegalHold, RecordingRestriction

CASES = Keyset("cases", (Case.number,), descending=True)
OPEN_STATES = ("open", "in_review", "decided")  # not yet closed
UNDECIDED = ("open", "in_review")


def add(session: Session, row: Case | CaseEntry) -> None:
    session.add(row)
    session.flush()


def next_number(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Case.number), 0))).scalar_one()) + 1


def get(session: Session, case_id: str) -> Case | None:
    return session.get(Case, case_id)


def by_number(session: Session, number: int) -> Case | None:
    return session.execute(select(Case).where(Case.number == number)).scalar_one_or_none()


def by_code_hash(session: Session, code_hash: str) -> Case | None:
    return session.execute(select(Case).where(Case.code_hash == code_hash)).scalar_one_or_none()


def open_case_about(
    session: Session,
    kind: str,
    *,
    recording_id: str | None = None,
    evaluation_id: str | None = None,
) -> Case | None:
    """The not-yet-closed case of `kind` about this recording (or evaluation), if any."""
    query = select(Case).where(Case.kind == kind, Case.state.in_(OPEN_STATES))
    if recording_id is not None:
        query = query.where(Case.recording_id == recording_id)
    if evaluation_id is not None:
        query = query.where(Case.evaluation_id == evaluation_id)
    return session.execute(query.order_by(Case.number).limit(1)).scalar_one_or_none()


def open_disputes_about(session: Session, recording_id: str) -> list[int]:
    """The numbers of the recording disputes about this recording not yet closed: the
    evidence they argue over must outlive them (erasure asks, `subjects.erasure`)."""
    query = select(Case.number).where(
        Case.recording_id == recording_id,
        Case.kind == "recording_dispute",
        Case.state != "closed",
    )
    return list(session.scalars(query.order_by(Case.number)))


def restrictions(session: Session, case_id: str) -> list[RecordingRestriction]:
    """The recording restrictions the case placed, lifted or not, oldest first."""
    query = select(RecordingRestriction).where(RecordingRestriction.case_id == case_id)
    return list(session.scalars(query.order_by(RecordingRestriction.placed_at)))


def hold_of(session: Session, case: Case) -> LegalHold | None:
    """The legal hold a recording dispute placed, if any."""
    return session.get(LegalHold, case.hold_id) if case.hold_id else None


def entries(session: Session, case_id: str) -> list[CaseEntry]:
    query = select(CaseEntry).where(CaseEntry.case_id == case_id)
    return list(session.execute(query.order_by(CaseEntry.at, CaseEntry.id)).scalars())


def open_loads(session: Session, user_ids: list[str]) -> dict[str, int]:
    """How many undecided cases each of these users handles now."""
    if not user_ids:
        return {}
    query = (
        select(Case.handler_user_id, func.count())
        .where(Case.handler_user_id.in_(user_ids), Case.state.in_(UNDECIDED))
        .group_by(Case.handler_user_id)
    )
    return {str(user): int(count) for user, count in session.execute(query)}


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Which cases a list shows: whose (`reporter`, `handler`, or all) and by state and kind."""

    reporter_user_id: str | None = None
    handler_user_id: str | None = None
    everything: bool = False
    state: str | None = None
    kind: str | None = None


def _condition(where: CaseFilter) -> ColumnElement[bool]:
    owners: list[ColumnElement[bool]] = []
    if where.reporter_user_id is not None:
        owners.append(Case.reporter_user_id == where.reporter_user_id)
    if where.handler_user_id is not None:
        owners.append(
            or_(
                Case.handler_user_id == where.handler_user_id,
                Case.first_handler_user_id == where.handler_user_id,
            )
        )
    whose = true() if where.everything else (or_(*owners) if owners else false())
    parts = [whose]
    if where.state is not None:
        parts.append(Case.state == where.state)
    if where.kind is not None:
        parts.append(Case.kind == where.kind)
    return and_(*parts)


def cases(session: Session, where: CaseFilter, cursor: str | None, limit: int) -> Slice[Case]:
    """A page of cases, newest first."""
    query = CASES.apply(select(Case).where(_condition(where)), cursor, limit)
    return CASES.page(list(session.execute(query).scalars()), limit)
