"""Plain typed factories for test data (synthetic people only)."""

from __future__ import annotations

import itertools

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.models import User

_counter = itertools.count(1)


def make_user(
    db: Database, role: str, username: str | None = None, team: str | None = None
) -> User:
    """A person with `role` and no password; `integration` gives a service identity."""
    name = username or f"{role.replace('_', '-')}-{next(_counter)}"
    with db.unit_of_work() as session:
        if role == Role.INTEGRATION.value:
            return identity.create_service_identity(session, SYSTEM, name=name)
        created = identity.create_user(
            session, SYSTEM, username=name, role=role, team=team, generate_password=False
        )
        return created.user


def make_token(
    db: Database, role: str, username: str | None = None, team: str | None = None
) -> str:
    """A bearer token for a fresh user with `role`."""
    return token_for(db, make_user(db, role, username, team))


def token_for(db: Database, user: User) -> str:
    """A token `user` made for themselves (as after signing in): nobody mints one for another."""
    me = Principal(actor=f"user:{user.username}", role=Role(user.role), user_id=user.id)
    with db.unit_of_work() as session:
        return identity.create_token(session, me, name="test").plaintext


def make_team(db: Database, name: str) -> str:
    with db.unit_of_work() as session:
        return identity.create_team(session, SYSTEM, name).id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def principal_of(user: User) -> Principal:
    """The principal a person acts as in the console or through their own token."""
    return Principal(
        actor=f"user:{user.username}",
        role=Role(user.role),
        user_id=user.id,
        username=user.username,
        team_id=user.team_id,
    )
