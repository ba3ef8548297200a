"""Who a case is about, and giving it to a handler: the people `handlers.py` judges, read
from the users table through identity's service, and the automatic choice at filing and on
appeal (the eligible officer with the fewest undecided cases, or nobody: left unassigned)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cases import handlers, repository
from callwarden.cases.handlers import Parties, Person
from callwarden.identity import service as identities
from callwarden.identity.roles import Role
from callwarden.models import Case, User

SYSTEM_ACTOR = "system"  # automatic assignment: the rule chose, not a person


def person(user: User) -> Person:
    return Person(user.id, user.username, user.role, user.team_id, user.disabled_at is None)


def parties(session: Session, case: Case) -> Parties:
    """The employees of a case (its reporter; a customer-disputed call's agent), their teams,
    the person it concerns and, after an appeal, the first decision's maker."""
    employees = {case.reporter_user_id} if case.reporter_user_id else set()
    if case.on_behalf_of is not None and case.subject_user_id is not None:
        employees.add(case.subject_user_id)
    teams = set()
    for user_id in employees:
        user = identities.find_user_by_id(session, user_id)
        if user is not None and user.team_id is not None:
            teams.add(user.team_id)
    return Parties(
        employees=frozenset(employees),
        employee_teams=frozenset(teams),
        subject_user_id=case.subject_user_id,
        first_handler_user_id=case.first_handler_user_id,
    )


def auto_assign(session: Session, case: Case) -> None:
    """The eligible officer with the fewest open cases, or nobody (shown as unassigned)."""
    officers = identities.active_users_with_role(session, Role.COMPLIANCE_OFFICER.value)
    loads = repository.open_loads(session, [officer.id for officer in officers])
    chosen = handlers.choose([person(o) for o in officers], parties(session, case), loads)
    case.handler_user_id = chosen.user_id if chosen is not None else None
    if chosen is not None:
        audit.record(
            session,
            actor=SYSTEM_ACTOR,
            action="case.assigned",
            target=f"case:{case.id}",
            data={"handler": chosen.user_id, "auto": True},
        )
