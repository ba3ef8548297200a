"""A person's account over time: disabled, enabled again, given another role, moved to
another team.

Each change is audited in the caller's transaction, and none may leave the service without an
active administrator (nobody could manage users again).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import repository, token_cache
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role, parse_role
from callwarden.identity.service import find_team, user_named
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.models import User
from callwarden.training import joining


def disable_user(
    session: Session, principal: Principal, username: str, reason: str | None = None
) -> User:
    require(principal, "users.manage")
    user = user_named(session, username)
    if user.disabled_at is not None:
        raise Conflict(f"user {username!r} is already disabled")
    user.disabled_at = clock.now()
    token_cache.forget_all(session)
    audit.record(
        session,
        actor=principal.actor,
        action="user.disabled",
        target=f"user:{user.id}",
        reason=reason,
        data={"username": username},
    )
    if user.role == Role.ADMIN.value:
        _keep_an_administrator(session, f"disabling {username!r}")
    return user


def enable_user(
    session: Session, principal: Principal, username: str, reason: str | None = None
) -> User:
    """Let a disabled user sign in again (their old tokens work again too, unless revoked)."""
    require(principal, "users.manage")
    user = user_named(session, username)
    if user.disabled_at is None:
        raise Conflict(f"user {username!r} is not disabled")
    user.disabled_at = None
    token_cache.forget_all(session)
    audit.record(
        session,
        actor=principal.actor,
        action="user.enabled",
        target=f"user:{user.id}",
        reason=reason,
        data={"username": username},
    )
    return user


def change_role(
    session: Session, principal: Principal, username: str, role: str, reason: str | None = None
) -> User:
    """Give a person another role. A token carries the role it was issued with, so the
    person's tokens are revoked: they sign in again and get tokens of the new role."""
    require(principal, "users.manage")
    user = user_named(session, username)
    new_role = parse_role(role)
    if user.is_service or new_role is Role.INTEGRATION:
        raise InvalidInput("the integration role belongs to service identities only")
    if user.role == new_role.value:
        raise Conflict(f"user {username!r} already has role {new_role}")
    previous = user.role
    user.role = new_role.value
    revoked = revoke_live_tokens(session, user.id)
    audit.record(
        session,
        actor=principal.actor,
        action="user.role_changed",
        target=f"user:{user.id}",
        reason=reason,
        data={
            "username": username,
            "from": previous,
            "to": new_role.value,
            "tokens_revoked": revoked,
        },
    )
    if previous == Role.ADMIN.value:
        _keep_an_administrator(session, f"changing the role of {username!r}")
    joining.on_person_changed(session, principal.actor, user, "new_role")
    return user


def change_team(
    session: Session,
    principal: Principal,
    username: str,
    team: str | None,
    reason: str | None = None,
) -> User:
    """Move a person to another team (None: to no team). Joining a team brings the courses
    whose audience names it (`training.joining`, reason `joined_team`), in this transaction;
    moving back to a team already trained for assigns nothing again. A supervisor's reach
    follows their team, so the token cache is dropped and the next request sees the move;
    tokens carry no team, so none is revoked. Moving to the team one is on changes nothing.
    """
    require(principal, "users.manage")
    user = user_named(session, username)
    if user.is_service:
        raise InvalidInput("a service identity belongs to no team")
    row = None
    if team is not None:
        row = find_team(session, team)
        if row is None:
            raise InvalidInput(f"unknown team {team!r}; create it first (callwarden teams create)")
    previous = user.team.name if user.team is not None else None
    if (row.id if row is not None else None) == user.team_id:
        return user
    user.team = row
    session.flush()
    token_cache.forget_all(session)
    audit.record(
        session,
        actor=principal.actor,
        action="user.team_changed",
        target=f"user:{user.id}",
        reason=reason,
        data={"username": username, "from": previous, "to": team},
    )
    if row is not None:
        joining.on_person_changed(session, principal.actor, user, "joined_team")
    return user


def revoke_live_tokens(session: Session, user_id: str) -> int:
    """Revoke every token of the user now (this process forgets them at once, others within
    the token cache's few seconds); returns how many."""
    now = clock.now()
    tokens = repository.live_tokens(session, user_id)
    for token in tokens:
        token.revoked_at = now
    token_cache.forget_all(session)
    return len(tokens)


def _keep_an_administrator(session: Session, change: str) -> None:
    """Refuse a change that leaves no active administrator (nobody could manage users again).

    Called after the change is flushed and its audit event written: writing the event takes the
    audit chain's lock, so two administrators disabling each other at once are serialised and
    the second one counts what the first committed.
    """
    session.flush()
    if repository.active_admin_count(session) == 0:
        raise Conflict(
            f"{change} would leave no active administrator; make another user an administrator "
            "first",
            reason="last_active_admin",
        )
