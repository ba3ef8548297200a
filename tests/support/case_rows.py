"""Cases written straight into their tables, as the cases service would leave them, for the
parts that only read them (the overdue check, the report's section, the case's PDF)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from callwarden.db import Database
from callwarden.kit.ids import new_id
from callwarden.models import Case, CaseEntry

_numbers = itertools.count(1)


def case_row(
    kind: str = "concern",
    state: str = "open",
    filed_at: datetime | None = None,
    due_at: datetime | None = None,
    number: int | None = None,
    **extra: Any,
) -> Case:
    """A case (not stored): filed at `filed_at`, due two weeks later unless given."""
    assert filed_at is not None
    values: dict[str, Any] = {
        "id": new_id("case"),
        "number": number if number is not None else next(_numbers),
        "kind": kind,
        "state": state,
        "summary": "The supervisor listens to my calls",
        "details": "I was not told my personal calls on this line are recorded.",
        "anonymous": False,
        "filed_by": "user:test",
        "filed_at": filed_at,
        "due_at": due_at if due_at is not None else filed_at + timedelta(days=14),
        "keep_hold": False,
    }
    values.update(extra)
    return Case(**values)


def add_case(db: Database, **given: Any) -> str:
    """Store a case made by `case_row`; its id."""
    row = case_row(**given)
    with db.unit_of_work() as session:
        session.add(row)
    return row.id


def entry_row(
    case_id: str, kind: str, visibility: str, body: str, at: datetime, **extra: Any
) -> CaseEntry:
    return CaseEntry(
        id=new_id("centry"),
        case_id=case_id,
        kind=kind,
        visibility=visibility,
        body=body,
        at=at,
        **extra,
    )
