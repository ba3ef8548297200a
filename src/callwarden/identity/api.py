"""Routes for signing in, passwords, users, service identities, teams and tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from callwarden.audit.refusals import RefusalTally
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import accounts, passwords, service
from callwarden.identity.principal import Principal
from callwarden.identity.schemas import (
    DisableRequest,
    LoginRequest,
    Me,
    PasswordChange,
    PasswordChanged,
    PasswordReset,
    Reason,
    RoleChange,
    ServiceIdentityCreate,
    SignedIn,
    TeamChange,
    TeamCreate,
    TeamOut,
    TokenCreate,
    TokenIssued,
    TokenOut,
    UserCreate,
    UserCreated,
    UserOut,
)
from callwarden.identity.throttle import SignInThrottle
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import (
    client_address,
    database,
    principal,
    principal_changing_password,
    read_session,
    refusals,
    requires,
    settings,
    signin_throttle,
)
from callwarden.server.openapi import problem_responses
from callwarden.server.paging import Cursor, Limit
from callwarden.server.signin import attempt_sign_in

router = APIRouter(prefix="/v1", tags=["identity"])


@router.post(
    "/auth/token", response_model=SignedIn, status_code=201, responses=problem_responses(401)
)
def login(
    request: Request,
    body: LoginRequest,
    db: Database = Depends(database),
    config: Settings = Depends(settings),
    throttle: SignInThrottle = Depends(signin_throttle),
    tally: RefusalTally = Depends(refusals),
) -> SignedIn:
    """Exchange a username and password for a short-lived bearer token.

    After too many failures for the username or from the address, attempts are refused (429,
    Retry-After) before the password is checked. With a temporary password (one an
    administrator set) the token may only change it: `password_change_required` says so.
    """
    signed = attempt_sign_in(
        db,
        throttle,
        tally,
        username=body.username,
        password=body.password,
        address=client_address(request),
        lifetime=timedelta(hours=config.token_ttl_hours),
    )
    return SignedIn(
        **TokenOut.model_validate(signed.issued.token).model_dump(),
        token=signed.issued.plaintext,
        password_change_required=signed.password_change_required,
    )


@router.post("/me/password", response_model=PasswordChanged)
def change_password(
    body: PasswordChange,
    who: Principal = Depends(principal_changing_password),
    db: Database = Depends(database),
) -> PasswordChanged:
    """Choose your own password (the current one proves it is you); the only route a token
    from a temporary password may use."""
    with db.unit_of_work() as session:
        user = passwords.change_own_password(session, who, body.current_password, body.new_password)
        return PasswordChanged(
            username=user.username, detail="password changed; sign in again with it"
        )


@router.get("/me", response_model=Me)
def me(who: Principal = Depends(principal)) -> Me:
    return Me(
        actor=who.actor,
        role=who.role,
        user_id=who.user_id,
        username=who.username,
        team_id=who.team_id,
    )


@router.get("/users", response_model=Page[UserOut])
def list_users(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("users.read")),
    session: Session = Depends(read_session),
) -> Page[UserOut]:
    """Users and service identities, disabled ones too, by username."""
    found = service.list_users(session, who, cursor, limit)
    items = [UserOut.model_validate(user) for user in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(
    body: UserCreate,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserCreated:
    with db.unit_of_work() as session:
        created = service.create_user(
            session,
            who,
            username=body.username,
            role=body.role,
            display_name=body.display_name,
            team=body.team,
            password=body.password,
        )
        return UserCreated(
            **UserOut.model_validate(created.user).model_dump(), initial_password=created.password
        )


@router.post("/users/{username}/disable", response_model=UserOut)
def disable_user(
    username: str,
    body: DisableRequest,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserOut:
    with db.unit_of_work() as session:
        return UserOut.model_validate(accounts.disable_user(session, who, username, body.reason))


@router.post("/users/{username}/enable", response_model=UserOut)
def enable_user(
    username: str,
    body: Reason,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserOut:
    with db.unit_of_work() as session:
        return UserOut.model_validate(accounts.enable_user(session, who, username, body.reason))


@router.post("/users/{username}/role", response_model=UserOut)
def change_role(
    username: str,
    body: RoleChange,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserOut:
    with db.unit_of_work() as session:
        changed = accounts.change_role(session, who, username, body.role, body.reason)
        return UserOut.model_validate(changed)


@router.post("/users/{username}/team", response_model=UserOut)
def change_team(
    username: str,
    body: TeamChange,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserOut:
    """Move a person to another team (`null`: none), assigning the training its audience
    takes; the team they are on already changes nothing."""
    with db.unit_of_work() as session:
        changed = accounts.change_team(session, who, username, body.team, body.reason)
        return UserOut.model_validate(changed)


@router.post("/users/{username}/password", response_model=PasswordReset)
def reset_password(
    username: str,
    body: Reason,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> PasswordReset:
    """Give a person a new temporary password (shown once); they must change it to go on."""
    with db.unit_of_work() as session:
        temporary = passwords.reset_password(session, who, username, body.reason)
        return PasswordReset(username=username, temporary_password=temporary)


@router.post("/service-identities", response_model=UserOut, status_code=201)
def create_service_identity(
    body: ServiceIdentityCreate,
    who: Principal = Depends(requires("users.manage")),
    db: Database = Depends(database),
) -> UserOut:
    """An identity for an integration (role integration, no password); then POST /v1/tokens
    with `user` set to its name issues its token."""
    with db.unit_of_work() as session:
        created = service.create_service_identity(
            session, who, name=body.name, display_name=body.display_name
        )
        return UserOut.model_validate(created)


@router.get("/teams", response_model=Page[TeamOut])
def list_teams(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("teams.read")),
    session: Session = Depends(read_session),
) -> Page[TeamOut]:
    """Teams, by name."""
    found = service.list_teams(session, who, cursor, limit)
    items = [TeamOut.model_validate(team) for team in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(
    body: TeamCreate,
    who: Principal = Depends(requires("teams.manage")),
    db: Database = Depends(database),
) -> TeamOut:
    with db.unit_of_work() as session:
        return TeamOut.model_validate(service.create_team(session, who, body.name))


@router.get("/tokens", response_model=Page[TokenOut])
def list_tokens(
    user: str | None = Query(default=None, max_length=64),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(principal),
    session: Session = Depends(read_session),
) -> Page[TokenOut]:
    """Your own tokens, oldest first; administrators see everyone's (or one user's with
    `user=`)."""
    found = service.list_tokens(session, who, user, cursor, limit)
    items = [TokenOut.model_validate(token) for token in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def create_token(
    body: TokenCreate, who: Principal = Depends(principal), db: Database = Depends(database)
) -> TokenIssued:
    with db.unit_of_work() as session:
        issued = service.create_token(session, who, name=body.name, owner=body.user, days=body.days)
        return TokenIssued(
            **TokenOut.model_validate(issued.token).model_dump(), token=issued.plaintext
        )


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(
    token_id: str, who: Principal = Depends(principal), db: Database = Depends(database)
) -> TokenOut:
    with db.unit_of_work() as session:
        return TokenOut.model_validate(service.revoke_token(session, who, token_id))
