"""All SQL about data-subject requests: their rows, one locked, a page of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import SubjectRequest

# Request ids begin with their creation time, so the id alone orders a page oldest first.
BY_ID = Keyset("subject-requests", (SubjectRequest.id,))


def add(session: Session, request: SubjectRequest) -> None:
    session.add(request)
    session.flush()


def get(session: Session, request_id: str) -> SubjectRequest | None:
    return session.get(SubjectRequest, request_id)


def locked(session: Session, request_id: str) -> SubjectRequest | None:
    """The request, its row locked until the transaction ends (PostgreSQL; SQLite serialises
    writers already), so two closes or erasures of one request cannot both pass their checks."""
    query = select(SubjectRequest).where(SubjectRequest.id == request_id).with_for_update()
    return session.execute(query).scalar_one_or_none()


def page(
    session: Session, state: str | None, cursor: str | None, limit: int
) -> Slice[SubjectRequest]:
    query = select(SubjectRequest)
    if state is not None:
        query = query.where(SubjectRequest.state == state)
    rows = list(session.execute(BY_ID.apply(query, cursor, limit)).scalars())
    return BY_ID.page(rows, limit)
