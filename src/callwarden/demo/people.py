"""The demo organisation's people: teams, one person per role (two supervisors, four agents),
the phone system's service identity, each with a password they can sign in with at once.

A password an administrator sets is temporary (the person must choose their own on first
sign-in), so each demo person is created the ordinary way and then chooses a demo password,
as they would on the console: the audit trail shows both steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.demo.scenarios import PHONE_SYSTEM, STAFF, TEAMS, Member
from callwarden.identity import credentials, passwords
from callwarden.identity import service as identity
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.models import User

ADMIN = Member("admin", "admin", "Administrator")
SPARE_ADMIN = Member("demo-admin", "admin", "Demo administrator")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    team: str | None
    password: str


@dataclass(frozen=True)
class Cast:
    users: list[DemoUser]
    admin: Principal
    pbx: Principal
    supervisors: list[Principal]
    principals: dict[str, Principal]  # by username, to act as any of them


def as_principal(user: User) -> Principal:
    """The person or identity acting, as their own signed-in token would make them."""
    return Principal(
        actor=f"user:{user.username}",
        role=Role(user.role),
        user_id=user.id,
        username=user.username,
        team_id=user.team_id,
    )


def taken(session: Session) -> list[str]:
    """The demo's usernames that already exist here (the demo then creates nobody)."""
    names = [member.username for member in STAFF] + [PHONE_SYSTEM, SPARE_ADMIN.username]
    return [name for name in names if identity.find_user(session, name) is not None]


def hire(db: Database, admin_password: str | None) -> Cast:
    """Create the teams and people. `admin_password` is the one init just gave `admin`; without
    it (an administrator existed already) a `demo-admin` is created instead."""
    shell = cli_principal()
    users: list[DemoUser] = []
    supervisors: list[Principal] = []
    principals: dict[str, Principal] = {}
    with db.unit_of_work() as session:
        for team in TEAMS:
            identity.create_team(session, shell, team)
        pbx = identity.create_service_identity(
            session, shell, name=PHONE_SYSTEM, display_name="Demo phone system"
        )
        pbx_principal = as_principal(pbx)
    if admin_password is not None:
        with db.unit_of_work() as session:
            admin = identity.user_named(session, ADMIN.username)
            users.append(_choose_password(session, admin, ADMIN, admin_password))
            admin_principal = as_principal(admin)
        members = list(STAFF)
    else:
        members, admin_principal = [SPARE_ADMIN, *STAFF], None
    for member in members:
        with db.unit_of_work() as session:
            created = identity.create_user(
                session,
                shell,
                username=member.username,
                role=member.role,
                display_name=member.display_name,
                team=member.team,
            )
            assert created.password is not None
            users.append(_choose_password(session, created.user, member, created.password))
            principals[member.username] = as_principal(created.user)
            if member is SPARE_ADMIN:
                admin_principal = as_principal(created.user)
            if member.role == Role.SUPERVISOR.value:
                supervisors.append(as_principal(created.user))
    assert admin_principal is not None
    return Cast(users, admin_principal, pbx_principal, supervisors, principals)


def _choose_password(session: Session, user: User, member: Member, temporary: str) -> DemoUser:
    chosen = credentials.generate_password()
    passwords.change_own_password(session, as_principal(user), temporary, chosen)
    return DemoUser(member.username, member.role, member.team, chosen)
