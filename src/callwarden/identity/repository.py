"""All SQL for users, teams and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import ApiToken, Team, User


def user_by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def user_by_id(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def active_users_with_role(session: Session, role: str) -> list[User]:
    query = select(User).where(User.role == role, User.disabled_at.is_(None))
    return list(session.execute(query.order_by(User.username)).scalars())


# Each list's order for paging; usernames and team names are unique.
USERS_BY_NAME = Keyset("users", (User.username,))
TEAMS_BY_NAME = Keyset("teams", (Team.name,))
TOKENS_OLDEST_FIRST = Keyset("tokens", (ApiToken.created_at, ApiToken.id))


def list_users(session: Session, cursor: str | None, limit: int) -> Slice[User]:
    """A page of users (disabled ones too), by username."""
    query = USERS_BY_NAME.apply(select(User), cursor, limit)
    return USERS_BY_NAME.page(list(session.execute(query).scalars()), limit)


def team_by_name(session: Session, name: str) -> Team | None:
    return session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()


def list_teams(session: Session, cursor: str | None, limit: int) -> Slice[Team]:
    """A page of teams, by name."""
    query = TEAMS_BY_NAME.apply(select(Team), cursor, limit)
    return TEAMS_BY_NAME.page(list(session.execute(query).scalars()), limit)


def token_by_id(session: Session, token_id: str) -> ApiToken | None:
    return session.get(ApiToken, token_id)


@dataclass(frozen=True, slots=True)
class TokenFacts:
    """What authenticating a token needs, read in one light query."""

    token_id: str
    secret_hash: str
    role: str
    expires_at: datetime
    revoked_at: datetime | None
    user_id: str
    username: str
    team_id: str | None
    user_disabled_at: datetime | None
    password_change_only: bool


def token_facts(session: Session, token_id: str) -> TokenFacts | None:
    row = session.execute(
        select(
            ApiToken.id,
            ApiToken.secret_hash,
            ApiToken.role,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            User.id,
            User.username,
            User.team_id,
            User.disabled_at,
            ApiToken.password_change_only,
        )
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.id == token_id)
    ).first()
    return TokenFacts(*tuple(row)) if row is not None else None


def active_admin_count(session: Session) -> int:
    """Administrators who can still sign in: the last one must never be locked out."""
    return session.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.disabled_at.is_(None))
    ).scalar_one()


def password_change_tokens(session: Session, user_id: str) -> list[ApiToken]:
    """The user's unrevoked tokens that were issued for a temporary password."""
    return list(
        session.execute(
            select(ApiToken).where(
                ApiToken.user_id == user_id,
                ApiToken.password_change_only.is_(True),
                ApiToken.revoked_at.is_(None),
            )
        ).scalars()
    )


def live_tokens(session: Session, user_id: str) -> list[ApiToken]:
    """The user's tokens not yet revoked (expired ones included: revoking them costs nothing)."""
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        ).scalars()
    )


def list_tokens(
    session: Session, user_id: str | None, cursor: str | None, limit: int
) -> Slice[ApiToken]:
    """A page of tokens (one user's, or everyone's), oldest first."""
    query = select(ApiToken)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    query = TOKENS_OLDEST_FIRST.apply(query, cursor, limit)
    return TOKENS_OLDEST_FIRST.page(list(session.execute(query).scalars()), limit)


def add(session: Session, row: User | Team | ApiToken) -> None:
    session.add(row)
    session.flush()
