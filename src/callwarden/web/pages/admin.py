"""Administration: people and service identities, their roles, teams, and what is done to an
account (disable, enable, another role or team, a new temporary password).

Every route calls what the matching `/v1` route calls (`identity.service`, `accounts`,
`passwords`), so the same checks refuse the same things: a role without `users.manage` gets the
"not allowed" page, and a change that would leave no active administrator the 409 page saying
so. A password the server generates is in the answer to the form that made it and nowhere else:
it is not stored in the clear, and reloading a page never shows it again.
"""

from __future__ import annotations

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity import accounts, passwords
from callwarden.identity import service as identity
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.pagination import MAX_LIMIT
from callwarden.models import Team
from callwarden.server.deps import database, read_session
from callwarden.server.paging import Cursor
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Administration", "/admin", "users.read", order=800)
PAGE_SIZE = 100
PERSON_ROLES = [role.value for role in Role if role is not Role.INTEGRATION]
DONE = {
    "disabled": "The user is disabled: they cannot sign in, and their tokens stop working.",
    "enabled": "The user is enabled again.",
    "role": "The role is changed; the user's tokens were revoked, so they sign in again.",
    "team": "The team is changed; the training its audience takes is assigned to them.",
    "service": "The service identity is created. Issue its token below.",
}

Reason = Form(default="", max_length=500)


def _optional(value: str) -> str | None:
    """An empty form field means "none given"."""
    return value.strip() or None


def _teams(session: Session, who: Principal) -> list[Team]:
    """The teams to choose from in a form (the first thousand, by name)."""
    return identity.list_teams(session, who, None, MAX_LIMIT).rows


@router.get("/admin")
def users_page(
    request: Request,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("users.read")),
    session: Session = Depends(read_session),
) -> Response:
    """Users and service identities by username; the forms to add them for administrators."""
    found = identity.list_users(session, who, cursor, PAGE_SIZE)
    manages = bool(may(who, "users.manage"))
    context = {
        "users": found.rows,
        "next_cursor": found.next_cursor,
        "manages": manages,
        "teams": _teams(session, who) if manages else [],
        "roles": PERSON_ROLES,
        "title": "Users",
    }
    return render(request, "admin_users.html", context, who=who)


@router.post("/admin/users", dependencies=[Depends(csrf_checked)])
def create_user(
    request: Request,
    username: str = Form(max_length=64),
    role: str = Form(max_length=32),
    display_name: str = Form(default="", max_length=200),
    team: str = Form(default="", max_length=120),
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    """A person with a generated temporary password, shown on this answer only."""
    with db.unit_of_work() as session:
        created = identity.create_user(
            session,
            who,
            username=username.strip(),
            role=role,
            display_name=_optional(display_name),
            team=_optional(team),
        )
        context = {
            "username": created.user.username,
            "display_name": created.user.display_name,
            "secret": created.password,
            "what": "created",
            "title": "User created",
        }
    return render(request, "admin_password_once.html", context, who=who, status=201)


@router.post("/admin/service-identities", dependencies=[Depends(csrf_checked)])
def create_service_identity(
    request: Request,
    name: str = Form(max_length=64),
    display_name: str = Form(default="", max_length=200),
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    """An identity for an integration; its page then issues its token."""
    with db.unit_of_work() as session:
        created = identity.create_service_identity(
            session, who, name=name.strip(), display_name=_optional(display_name)
        )
        username = created.username
    return redirect(request, f"/admin/users/{username}?done=service")


@router.get("/admin/users/{username}")
def user_page(
    request: Request,
    username: str,
    done: str | None = None,
    who: Principal = Depends(console_requires("users.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One account and, for administrators, what may be done to it (and its tokens)."""
    user = identity.user_named(session, username)
    sees_tokens = bool(may(who, "tokens.manage_any"))
    tokens = (
        identity.list_tokens(session, who, user.username, None, MAX_LIMIT).rows
        if sees_tokens
        else []
    )
    manages = bool(may(who, "users.manage"))
    context = {
        "user": user,
        "manages": manages,
        "teams": _teams(session, who) if manages else [],
        "training_record": bool(may(who, "training.records.read")) and not user.is_service,
        "tokens": tokens,
        "sees_tokens": sees_tokens,
        "roles": PERSON_ROLES,
        "done": DONE.get(done or ""),
        "now": clock.now(),
        "title": user.username,
    }
    return render(request, "admin_user.html", context, who=who)


@router.post("/admin/users/{username}/disable", dependencies=[Depends(csrf_checked)])
def disable_user(
    request: Request,
    username: str,
    reason: str = Reason,
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        user = accounts.disable_user(session, who, username, _optional(reason))
        shown = user.username
    return redirect(request, f"/admin/users/{shown}?done=disabled")


@router.post("/admin/users/{username}/enable", dependencies=[Depends(csrf_checked)])
def enable_user(
    request: Request,
    username: str,
    reason: str = Reason,
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        user = accounts.enable_user(session, who, username, _optional(reason))
        shown = user.username
    return redirect(request, f"/admin/users/{shown}?done=enabled")


@router.post("/admin/users/{username}/role", dependencies=[Depends(csrf_checked)])
def change_role(
    request: Request,
    username: str,
    role: str = Form(max_length=32),
    reason: str = Reason,
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        user = accounts.change_role(session, who, username, role, _optional(reason))
        shown = user.username
    return redirect(request, f"/admin/users/{shown}?done=role")


@router.post("/admin/users/{username}/team", dependencies=[Depends(csrf_checked)])
def change_team(
    request: Request,
    username: str,
    team: str = Form(default="", max_length=120),
    reason: str = Reason,
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    """Another team (the empty choice: none); joining it assigns its training."""
    with db.unit_of_work() as session:
        user = accounts.change_team(session, who, username, _optional(team), _optional(reason))
        shown = user.username
    return redirect(request, f"/admin/users/{shown}?done=team")


@router.post("/admin/users/{username}/password", dependencies=[Depends(csrf_checked)])
def reset_password(
    request: Request,
    username: str,
    reason: str = Reason,
    who: Principal = Depends(console_requires("users.manage")),
    db: Database = Depends(database),
) -> Response:
    """A new temporary password, shown on this answer only; the person's tokens are revoked."""
    with db.unit_of_work() as session:
        temporary = passwords.reset_password(session, who, username, _optional(reason))
        user = identity.user_named(session, username)
        context = {
            "username": user.username,
            "display_name": user.display_name,
            "secret": temporary,
            "what": "reset",
            "title": "Password reset",
        }
    return render(request, "admin_password_once.html", context, who=who)


@router.get("/admin/teams")
def teams_page(
    request: Request,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("teams.read")),
    session: Session = Depends(read_session),
) -> Response:
    found = identity.list_teams(session, who, cursor, PAGE_SIZE)
    context = {
        "teams": found.rows,
        "next_cursor": found.next_cursor,
        "manages": bool(may(who, "teams.manage")),
        "title": "Teams",
    }
    return render(request, "admin_teams.html", context, who=who)


@router.post("/admin/teams", dependencies=[Depends(csrf_checked)])
def create_team(
    request: Request,
    name: str = Form(max_length=120),
    who: Principal = Depends(console_requires("teams.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        identity.create_team(session, who, name.strip())
    return redirect(request, "/admin/teams")
