"""Identity logic: creating people, service identities and tokens, authenticating bearer tokens.

Every change is audited in the caller's transaction; nothing here commits. Nobody mints a token
for another person: people get tokens by signing in (`passwords.sign_in`) or for themselves, and
administrators issue tokens only to service identities (integrations), which have no password.
Signing in and passwords live in `passwords.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import credentials, repository, token_cache
from callwarden.identity.policies import may_issue_token, may_manage_token, require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role, parse_role
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from callwarden.kit.ids import new_id
from callwarden.kit.pagination import DEFAULT_LIMIT, Slice
from callwarden.kit.text import checked_name
from callwarden.models import ApiToken, Team, User
from callwarden.training import joining

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_TOKEN_DAYS = 366


def create_team(session: Session, principal: Principal, name: str) -> Team:
    require(principal, "teams.manage")
    checked_name(name, "team name", 120)
    if repository.team_by_name(session, name):
        raise Conflict(f"a team named {name!r} already exists")
    team = Team(id=new_id("team"), name=name, created_at=clock.now())
    repository.add(session, team)
    audit.record(
        session,
        actor=principal.actor,
        action="team.created",
        target=f"team:{team.id}",
        data={"name": name},
    )
    return team


@dataclass(frozen=True, slots=True)
class NewUser:
    user: User
    password: str | None


def create_user(
    session: Session,
    principal: Principal,
    *,
    username: str,
    role: str,
    display_name: str | None = None,
    team: str | None = None,
    password: str | None = None,
    generate_password: bool = True,
) -> NewUser:
    """Create a person; when no password is given, generate one to show once.

    A password set here is the administrator's, so it is temporary: signing in with it only
    allows choosing a new one.
    """
    require(principal, "users.manage")
    parsed_role = parse_role(role)
    if parsed_role is Role.INTEGRATION:
        raise InvalidInput(
            "the integration role is for service identities, which have no password: "
            "create one with POST /v1/service-identities (callwarden users create-service)"
        )
    _check_new_username(session, username)
    if display_name is not None:
        checked_name(display_name, "display name", 200)
    team_row = _team(session, team)
    if password is not None and len(password) < 12:
        raise InvalidInput("password must be at least 12 characters")
    shown = (
        password
        if password is not None
        else (credentials.generate_password() if generate_password else None)
    )
    user = User(
        id=new_id("usr"),
        username=username,
        display_name=display_name or username,
        role=parsed_role.value,
        team_id=team_row.id if team_row else None,
        password_hash=credentials.hash_password(shown) if shown else None,
        password_temporary=shown is not None,
        created_at=clock.now(),
    )
    repository.add(session, user)
    audit.record(
        session,
        actor=principal.actor,
        action="user.created",
        target=f"user:{user.id}",
        data={"username": username, "role": parsed_role.value, "team": team},
    )
    session.flush()  # the assignments below name the new row
    joining.on_person_changed(session, principal.actor, user, "joined_team")
    return NewUser(user, shown if password is None else None)


def _check_new_username(session: Session, username: str) -> None:
    if not USERNAME.match(username):
        raise InvalidInput(
            f"invalid username {username!r}: use 2-64 lower-case letters, digits, '.', '_' or '-'"
        )
    if repository.user_by_username(session, username):
        raise Conflict(f"user {username!r} already exists")


def create_service_identity(
    session: Session, principal: Principal, *, name: str, display_name: str | None = None
) -> User:
    """An identity for an integration (a phone system): role integration, tokens only.

    It has no password and cannot sign in, so the only way to act as it is a token an
    administrator issued to it, and every such token is audited.
    """
    require(principal, "users.manage")
    _check_new_username(session, name)
    if display_name is not None:
        checked_name(display_name, "display name", 200)
    service = User(
        id=new_id("usr"),
        username=name,
        display_name=display_name or name,
        role=Role.INTEGRATION.value,
        team_id=None,
        password_hash=None,
        is_service=True,
        created_at=clock.now(),
    )
    repository.add(session, service)
    audit.record(
        session,
        actor=principal.actor,
        action="service_identity.created",
        target=f"user:{service.id}",
        data={"username": name, "role": Role.INTEGRATION.value},
    )
    return service


def _team(session: Session, name: str | None) -> Team | None:
    if name is None:
        return None
    found = repository.team_by_name(session, name)
    if found is None:
        raise InvalidInput(f"unknown team {name!r}; create it first (callwarden teams create)")
    return found


def find_user(session: Session, username: str) -> User | None:
    """The user called `username`, or None (for other domains, which read no identity table)."""
    return repository.user_by_username(session, username)


def find_team(session: Session, name: str) -> Team | None:
    """The team called `name`, or None."""
    return repository.team_by_name(session, name)


def active_users_with_role(session: Session, role: str) -> list[User]:
    """Enabled users holding `role`, by username (QA deals its sample among the reviewers)."""
    return repository.active_users_with_role(session, role)


def find_user_by_id(session: Session, user_id: str) -> User | None:
    """The user with this id, or None (for other domains naming the people on their rows)."""
    return repository.user_by_id(session, user_id)


def user_named(session: Session, username: str) -> User:
    """The user called `username`, or NotFound."""
    user = repository.user_by_username(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def list_users(
    session: Session, principal: Principal, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Slice[User]:
    require(principal, "users.read")
    return repository.list_users(session, cursor, limit)


def list_teams(
    session: Session, principal: Principal, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Slice[Team]:
    require(principal, "teams.read")
    return repository.list_teams(session, cursor, limit)


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    plaintext: str


def create_token(
    session: Session, principal: Principal, *, name: str, owner: str | None = None, days: int = 90
) -> NewToken:
    """Issue a token scoped to the owner's role; the plaintext exists only in the return value.

    The owner is the caller, or a service identity when an administrator issues it: a token for
    another person would let its issuer act as that person, so it is refused for everyone.
    """
    owner_user = user_named(session, owner) if owner else _acting_user(session, principal)
    verdict = may_issue_token(principal, owner_user.id, owner_is_service=owner_user.is_service)
    if not verdict:
        raise Forbidden(verdict.reason)
    if owner_user.disabled_at is not None:
        raise Conflict(f"user {owner_user.username!r} is disabled; tokens cannot be issued")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"token lifetime must be 1 to {MAX_TOKEN_DAYS} days")
    checked_name(name, "token name", 120)
    return issue(session, principal, owner_user, name, timedelta(days=days), "token.created")


def issue(
    session: Session,
    principal: Principal,
    owner: User,
    name: str,
    lifetime: timedelta,
    action: str,
    *,
    password_change_only: bool = False,
) -> NewToken:
    """Store and audit a new token; callers have decided that `principal` may have it."""
    issued = credentials.issue_secret(new_id("tok"))
    now = clock.now()
    token = ApiToken(
        id=issued.token_id,
        user_id=owner.id,
        name=name,
        role=owner.role,
        secret_hash=issued.secret_hash,
        created_at=now,
        expires_at=now + lifetime,
        password_change_only=password_change_only,
    )
    repository.add(session, token)
    audit.record(
        session,
        actor=principal.actor,
        action=action,
        target=f"token:{token.id}",
        data={
            "owner": owner.username,
            "role": owner.role,
            "expires_at": token.expires_at.isoformat(),
            "password_change_only": password_change_only,
        },
    )
    return NewToken(token, issued.plaintext)


def _acting_user(session: Session, principal: Principal) -> User:
    if principal.user_id is None:
        raise InvalidInput("say which user the token is for (--user)")
    user = repository.user_by_id(session, principal.user_id)
    if user is None:
        raise NotFound("the acting user no longer exists")
    return user


def list_tokens(
    session: Session,
    principal: Principal,
    owner: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Slice[ApiToken]:
    """A page of tokens: the principal's own; an administrator's, everyone's or `owner`'s."""
    if owner is None and principal.role is Role.ADMIN:
        return repository.list_tokens(session, None, cursor, limit)
    owner_user = user_named(session, owner) if owner else _acting_user(session, principal)
    verdict = may_manage_token(principal, owner_user.id)
    if not verdict:
        raise Forbidden(verdict.reason)
    return repository.list_tokens(session, owner_user.id, cursor, limit)


def revoke_token(
    session: Session, principal: Principal, token_id: str, reason: str | None = None
) -> ApiToken:
    token = repository.token_by_id(session, token_id)
    if token is None:
        raise NotFound(f"no token {token_id!r}")
    verdict = may_manage_token(principal, token.user_id)
    if not verdict:
        raise Forbidden(verdict.reason)
    if token.revoked_at is not None:
        raise Conflict(f"token {token_id} is already revoked")
    token.revoked_at = clock.now()
    token_cache.forget_all(session)
    audit.record(
        session,
        actor=principal.actor,
        action="token.revoked",
        target=f"token:{token.id}",
        reason=reason,
    )
    return token


def authenticate(session: Session, presented: str) -> Principal:
    """The principal behind a bearer token, or Unauthenticated saying what is wrong with it."""
    token_id, secret = credentials.split_token(presented)
    token = repository.token_facts(session, token_id)
    if token is None or not credentials.secret_matches(token.secret_hash, secret):
        raise Unauthenticated("unknown bearer token")
    now = clock.now()
    if token.revoked_at is not None:
        raise Unauthenticated("this token has been revoked")
    if token.expires_at <= now:
        raise Unauthenticated("this token has expired; log in again or create a new token")
    if token.user_disabled_at is not None:
        raise Unauthenticated("this token's user is disabled")
    principal = Principal(
        actor=f"user:{token.username}",
        role=Role(token.role),
        user_id=token.user_id,
        username=token.username,
        team_id=token.team_id,
        token_id=token.token_id,
        password_change_only=token.password_change_only,
    )
    token_cache.remember(presented, principal, token.expires_at)
    return principal


SESSION_EXTENSION_STEP = timedelta(minutes=1)


def keep_session_alive(
    session: Session, token_id: str, label: str, idle: timedelta, longest: timedelta
) -> datetime | None:
    """Move a console session's expiry to `idle` from now, never past `longest` after it began.

    The session is a token whose lifetime is the idle timeout; each request pushes it on, at
    most once a minute (a write per request would queue every page behind the write lock).
    Returns the new expiry, or None when it did not move."""
    token = repository.token_by_id(session, token_id)
    if token is None or token.revoked_at is not None or token.name != label:
        return None  # an API token shown as a cookie keeps its own lifetime
    now = clock.now()
    wanted = min(now + idle, token.created_at + longest)
    if wanted - token.expires_at < SESSION_EXTENSION_STEP:
        return None
    token.expires_at = wanted
    return wanted
