"""All SQL of the call-detail records: batch inserts that skip what is already there, and the
reads the completeness check makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callwarden.models import CdrRecord

_TABLE = cast(Table, CdrRecord.__table__)


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(CdrRecord)).scalar_one())


def insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows, skipping any whose (source, external_id) is stored already: a re-import
    or a row repeated in the file adds nothing, and never fails the batch."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(_TABLE).on_conflict_do_nothing(
        index_elements=["source", "external_id"]
    )
    session.execute(statement, list(rows))


def page_in_period(
    session: Session, start: datetime, end: datetime, after: tuple[datetime, int] | None, limit: int
) -> Sequence[CdrRecord]:
    """Up to `limit` records of calls that started in [start, end), oldest first, after the
    (started_at, id) of the last one the caller has (a keyset: no offset to skip)."""
    query = select(CdrRecord).where(CdrRecord.started_at >= start, CdrRecord.started_at < end)
    if after is not None:
        moment, last_id = after
        query = query.where(
            or_(
                CdrRecord.started_at > moment,
                and_(CdrRecord.started_at == moment, CdrRecord.id > last_id),
            )
        )
    order = query.order_by(CdrRecord.started_at, CdrRecord.id).limit(limit)
    return session.execute(order).scalars().all()
