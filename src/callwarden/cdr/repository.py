"""All SQL of the call-detail records: batch inserts that skip what is already there, and the
reads the completeness check makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
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


def in_period(session: Session, start: datetime, end: datetime) -> Sequence[CdrRecord]:
    """The records of calls that started in [start, end), oldest first."""
    return (
        session.execute(
            select(CdrRecord)
            .where(CdrRecord.started_at >= start, CdrRecord.started_at < end)
            .order_by(CdrRecord.started_at, CdrRecord.id)
        )
        .scalars()
        .all()
    )
