"""Signing in with a password, and changing or resetting one.

A password an administrator set (user create, reset) is temporary: the administrator knows it, so
signing in with it gives a short token that can do nothing but choose a new password. A service
identity has no password and never signs in. Nothing here commits; every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import accounts, credentials, repository, token_cache
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.identity.service import NewToken, issue, user_named
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, Unauthenticated
from callwarden.models import User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
PASSWORD_CHANGE_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class SignedIn:
    issued: NewToken
    password_change_required: bool


def sign_in(
    session: Session, username: str, password: str, lifetime: timedelta, name: str = "login"
) -> SignedIn:
    """Exchange a password for a token. The caller audits (and throttles) failures separately."""
    user = repository.user_by_username(session, username)
    if (
        user is None
        or user.is_service
        or user.password_hash is None
        or not credentials.password_matches(user.password_hash, password)
    ):
        raise Unauthenticated("wrong username or password")
    if user.disabled_at is not None:
        raise Unauthenticated("this user is disabled")
    principal = _as(user)
    if user.password_temporary:
        issued = issue(
            session,
            principal,
            user,
            "password change",
            min(lifetime, PASSWORD_CHANGE_LIFETIME),
            "auth.login",
            password_change_only=True,
        )
        return SignedIn(issued, password_change_required=True)
    return SignedIn(issue(session, principal, user, name, lifetime, "auth.login"), False)


def _as(user: User) -> Principal:
    return Principal(
        actor=f"user:{user.username}", role=Role(user.role), user_id=user.id, username=user.username
    )


def check_new_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters "
            f"(and at most {MAX_PASSWORD_LENGTH})"
        )


def change_own_password(
    session: Session, principal: Principal, current_password: str, new_password: str
) -> User:
    """A person chooses their own password, proving the current one (temporary or not).

    The tokens that were good only for this change are revoked: their work is done.
    """
    if principal.user_id is None:
        raise InvalidInput("only a person signed in with a token has a password to change")
    user = repository.user_by_id(session, principal.user_id)
    if user is None or user.is_service or user.password_hash is None:
        raise InvalidInput("this identity has no password; it signs in with tokens only")
    if not credentials.password_matches(user.password_hash, current_password):
        raise Unauthenticated("the current password is wrong")
    check_new_password(new_password)
    if new_password == current_password:
        raise InvalidInput("the new password must differ from the current one")
    was_temporary = user.password_temporary
    user.password_hash = credentials.hash_password(new_password)
    user.password_temporary = False
    now = clock.now()
    for token in repository.password_change_tokens(session, user.id):
        token.revoked_at = now
    token_cache.forget_all(session)
    audit.record(
        session,
        actor=principal.actor,
        action="user.password_changed",
        target=f"user:{user.id}",
        data={"username": user.username, "was_temporary": was_temporary},
    )
    return user


def reset_password(
    session: Session, principal: Principal, username: str, reason: str | None = None
) -> str:
    """An administrator gives a person a new temporary password, returned to show once.

    The person's tokens are revoked with it: a reset is what one does to an account that may
    be in the wrong hands, and whoever holds its tokens is cut off too."""
    require(principal, "users.manage")
    user = user_named(session, username)
    if user.is_service:
        raise Conflict(f"{username!r} is a service identity: it has no password; issue a token")
    temporary = credentials.generate_password()
    user.password_hash = credentials.hash_password(temporary)
    user.password_temporary = True
    revoked = accounts.revoke_live_tokens(session, user.id)
    audit.record(
        session,
        actor=principal.actor,
        action="user.password_reset",
        target=f"user:{user.id}",
        reason=reason,
        data={"username": username, "tokens_revoked": revoked},
    )
    return temporary
