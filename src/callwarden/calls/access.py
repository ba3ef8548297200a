"""Which calls a principal may read: `identity.policies.reach` turned into SQL.

The rule is the one that scopes recordings (agents their own calls, supervisors their team's,
integrations the calls they created, the oversight roles all), so the list, a call by id, its
consent evidence and its events agree with each other and with the recordings. A call out of
reach is answered as if it did not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from callwarden.identity.policies import reach
from callwarden.identity.principal import Principal
from callwarden.models import Call


def visible(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the calls this principal may read (and report events on)."""
    scope = reach(principal)
    if scope.everything:
        return true()
    owners: list[ColumnElement[bool]] = []
    if scope.agent_user_id is not None:
        owners.append(Call.agent_user_id == scope.agent_user_id)
    if scope.team_id is not None:
        owners.append(Call.team_id == scope.team_id)
    if scope.creator_user_id is not None:
        owners.append(Call.created_by_user_id == scope.creator_user_id)
    if scope.creator_actor is not None:
        owners.append(
            and_(Call.created_by_user_id.is_(None), Call.created_by == scope.creator_actor)
        )
    return or_(*owners) if owners else false()
