"""Cases made as rows, for the tests of what a case does to a recording and an evaluation
(the protections and the outcomes), independent of the filing service: a case row as filing
leaves it, the person behind a username, and the principal they act as."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import Case, User


def user_named(db: Database, username: str) -> User:
    with db.reading() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        session.expunge(user)
        return user


def principal_of(db: Database, username: str) -> Principal:
    user = user_named(db, username)
    return Principal(
        actor=f"user:{user.username}",
        role=Role(user.role),
        user_id=user.id,
        username=user.username,
        team_id=user.team_id,
    )


def case_row(db: Database, kind: str, **values: Any) -> str:
    """A case of `kind` as filing leaves it (open, numbered next), with these columns; its id."""
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
            **values,
        }
        case = Case(id=new_id("case"), number=number, kind=kind, **given)
        session.add(case)
        return case.id
