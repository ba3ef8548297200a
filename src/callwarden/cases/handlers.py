"""Who may handle a case: checked against the people it is about, never taken on trust.

A handler is an active compliance officer who is not one of the case's employees (its
reporter, the agent of its recording or evaluation), not the person whose conduct it concerns
(`subject_user_id`: an evaluation's reviewer, a customer-disputed call's agent), not the
employee's own supervisor, and, on appeal, not the handler who made the first decision.

The employee's own supervisor, as checked here: anyone on the employee's team who is not the
employee and has a say over them. A supervisor of the team is one; and because a handler must
be a compliance officer, a compliance officer who sits on the employee's team is treated the
same way (that team's own compliance contact is in its line, and judging a colleague's case is
not independent). Both are refused. Pure: the service reads the people and hands them here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from callwarden.identity.roles import Role


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    username: str
    role: str
    team_id: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Parties:
    """The people a case is about, as the handler check needs them."""

    employees: frozenset[str] = frozenset()  # user ids: the reporter, the call's agent
    employee_teams: frozenset[str] = frozenset()
    subject_user_id: str | None = None
    first_handler_user_id: str | None = None  # set on appeal: the decision's maker
    named: frozenset[str] = field(default_factory=frozenset)  # who never sees the reporter


def refusal(candidate: Person, parties: Parties) -> str | None:
    """Why `candidate` may not handle the case, in a sentence; None when they may."""
    name = candidate.username
    if candidate.role != Role.COMPLIANCE_OFFICER.value:
        return f"{name} is not a compliance officer; only compliance officers handle cases"
    if not candidate.active:
        return f"{name} is disabled"
    if candidate.user_id in parties.employees:
        return f"{name} is the employee this case is about"
    if candidate.user_id == parties.subject_user_id:
        return f"{name} is the person whose conduct this case concerns"
    if candidate.team_id is not None and candidate.team_id in parties.employee_teams:
        return (
            f"{name} is on the employee's own team, in the employee's line of supervision; "
            "a handler must be independent of it"
        )
    if candidate.user_id == parties.first_handler_user_id:
        return f"{name} made the decision under appeal; an appeal goes to a different handler"
    return None


def choose(
    candidates: Sequence[Person], parties: Parties, open_cases: Mapping[str, int]
) -> Person | None:
    """The eligible officer with the fewest open cases (ties by username), or None."""
    eligible = [person for person in candidates if refusal(person, parties) is None]
    if not eligible:
        return None
    return min(eligible, key=lambda person: (open_cases.get(person.user_id, 0), person.username))
