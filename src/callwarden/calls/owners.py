"""Whose call it is: the agent named at creation and their team, looked up once at creation.

The agent and team are stored on the call so that scoping a list of calls is one SQL condition
(see calls.access), like recordings, instead of a lookup per call.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.identity import service as identities
from callwarden.kit.errors import InvalidInput


def agent_and_team(
    session: Session, agent: str | None, agent_team: str | None
) -> tuple[str | None, str | None]:
    """The agent's user id and team: the named user's own team, else the facts' `agent_team`
    when a team of that name exists (a routing name callwarden does not know leaves none)."""
    agent_user_id: str | None = None
    team_id: str | None = None
    if agent:
        user = identities.find_user(session, agent)
        if user is None:
            raise InvalidInput(f"unknown agent {agent!r}: no such user")
        agent_user_id, team_id = user.id, user.team_id
    if team_id is None and agent_team:
        team = identities.find_team(session, agent_team)
        team_id = team.id if team is not None else None
    return agent_user_id, team_id
