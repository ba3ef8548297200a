"""All SQL about legal holds: their rows, the active ones, a page of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import LegalHold

# Hold ids begin with their creation time, so the id alone orders a page oldest first.
BY_ID = Keyset("holds", (LegalHold.id,))


def add(session: Session, hold: LegalHold) -> None:
    session.add(hold)
    session.flush()


def get(session: Session, hold_id: str) -> LegalHold | None:
    return session.get(LegalHold, hold_id)


def locked(session: Session, hold_id: str) -> LegalHold | None:
    """The hold, its row locked until the transaction ends (PostgreSQL; SQLite's writers are
    serialised already), so two releases or re-scopes of one hold cannot both pass the check."""
    query = select(LegalHold).where(LegalHold.id == hold_id).with_for_update()
    return session.execute(query).scalar_one_or_none()


def active(session: Session) -> list[LegalHold]:
    """Every hold not released, oldest first (no cap: a hold is never left out of a check)."""
    query = select(LegalHold).where(LegalHold.released_at.is_(None)).order_by(LegalHold.id)
    return list(session.execute(query).scalars())


def page(
    session: Session, active_only: bool | None, cursor: str | None, limit: int
) -> Slice[LegalHold]:
    """One page by id; `active_only` True: not released, False: released, None: all."""
    query = select(LegalHold)
    if active_only is True:
        query = query.where(LegalHold.released_at.is_(None))
    elif active_only is False:
        query = query.where(LegalHold.released_at.is_not(None))
    rows = list(session.execute(BY_ID.apply(query, cursor, limit)).scalars())
    return BY_ID.page(rows, limit)
