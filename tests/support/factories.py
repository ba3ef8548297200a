"""Plain typed factories for test data (synthetic people only)."""

from __future__ import annotations

import itertools

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.models import User

_counter = itertools.count(1)


def make_user(
    db: Database, role: str, username: str | None = None, team: str | None = None
) -> User:
    name = username or f"{role.replace('_', '-')}-{next(_counter)}"
    with db.unit_of_work() as session:
        created = identity.create_user(
            session, SYSTEM, username=name, role=role, team=team, generate_password=False
        )
        return created.user


def make_token(
    db: Database, role: str, username: str | None = None, team: str | None = None
) -> str:
    """A bearer token for a fresh user with `role`."""
    user = make_user(db, role, username, team)
    with db.unit_of_work() as session:
        return identity.create_token(session, SYSTEM, name="test", owner=user.username).plaintext


def make_team(db: Database, name: str) -> str:
    with db.unit_of_work() as session:
        return identity.create_team(session, SYSTEM, name).id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
