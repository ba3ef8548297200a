"""Cases written straight into their tables, as the cases service would leave them, for the
parts tested apart from the filing service: what only reads them (the overdue check, the
report's section, the case's PDF) and what a case does to a recording and an evaluation (the
protections and the outcomes); the person behind a username and the principal they act as."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import Case, CaseEntry, User
from tests.support import factories

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


def user_named(db: Database, username: str) -> User:
    with db.reading() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        session.expunge(user)
        return user


def principal_of(db: Database, username: str) -> Principal:
    return factories.principal_of(user_named(db, username))


def filed_case(db: Database, kind: str, **values: Any) -> str:
    """A case of `kind` as filing leaves it now (open, numbered next), with these columns; its
    id."""
    now = clock.now()
    with db.unit_of_work() as session:
        number = (session.execute(select(func.max(Case.number))).scalar_one() or 0) + 1
        given: dict[str, Any] = {
            "state": "open",
            "summary": "a personal call",
            "details": "I called my doctor from my desk phone.",
            "anonymous": False,
            "filed_by": "test",
            "filed_at": now,
            "due_at": now + timedelta(days=14),
            "keep_hold": False,
            **values,
        }
        case = Case(id=new_id("case"), number=number, kind=kind, **given)
        session.add(case)
        return case.id
