"""All SQL for users, teams and tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.models import ApiToken, Team, User


def user_by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def user_by_id(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session, include_disabled: bool = True) -> list[User]:
    query = select(User).order_by(User.username)
    if not include_disabled:
        query = query.where(User.disabled_at.is_(None))
    return list(session.execute(query).scalars())


def team_by_name(session: Session, name: str) -> Team | None:
    return session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()


def list_teams(session: Session) -> list[Team]:
    return list(session.execute(select(Team).order_by(Team.name)).scalars())


def token_by_id(session: Session, token_id: str) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def list_tokens(session: Session, user_id: str | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.execute(query).scalars())


def add(session: Session, row: User | Team | ApiToken) -> None:
    session.add(row)
    session.flush()
