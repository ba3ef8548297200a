"""Which evaluations a principal sees: the one rule every QA list and page goes through.

A reviewer sees what they were assigned; an agent sees their own evaluations once submitted
(a draft in progress is the reviewer's); a supervisor also their team's; the oversight roles
see all. Anyone else sees none. Out of reach answers as not found.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from callwarden.identity.policies import SEES_EVERYTHING
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import QaEvaluation

_DONE = QaEvaluation.state.in_(("submitted", "acknowledged"))


def visible(principal: Principal) -> ColumnElement[bool]:
    role = principal.role
    if role in SEES_EVERYTHING:
        return true()
    if principal.user_id is None:
        return false()
    if role is Role.QA_REVIEWER:
        return QaEvaluation.reviewer_user_id == principal.user_id
    own = and_(QaEvaluation.agent_user_id == principal.user_id, _DONE)
    if role is Role.AGENT:
        return own
    if role is Role.SUPERVISOR and principal.team_id is not None:
        return or_(own, QaEvaluation.team_id == principal.team_id)
    if role is Role.SUPERVISOR:
        return own
    return false()
