"""The acting identity of a request, command or job."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from callwarden.identity.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting, with which role (the token's scope), for the audit trail and policies."""

    actor: str
    role: Role
    user_id: str | None = None
    username: str | None = None
    team_id: str | None = None
    token_id: str | None = None
    # A token from a temporary password: it may only change that password (server/deps.py).
    password_change_only: bool = False


def cli_principal() -> Principal:
    """Commands run on the server's own shell act as administrators, named by OS user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Principal(actor=f"cli:{who}", role=Role.ADMIN)


SYSTEM = Principal(actor="system", role=Role.ADMIN)
