"""Routes for login, users, teams and tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query

from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service
from callwarden.identity.principal import Principal
from callwarden.identity.schemas import (
    DisableRequest,
    LoginRequest,
    Me,
    TeamCreate,
    TeamOut,
    TokenCreate,
    TokenIssued,
    TokenOut,
    UserCreate,
    UserCreated,
    UserOut,
)
from callwarden.kit.errors import Unauthenticated
from callwarden.server.deps import database, principal, requires, settings
from callwarden.server.openapi import problem_responses

router = APIRouter(prefix="/v1", tags=["identity"])


@router.post(
    "/auth/token", response_model=TokenIssued, status_code=201, responses=problem_responses(401)
)
def login(
    body: LoginRequest, db: Database = Depends(database), config: Settings = Depends(settings)
) -> TokenIssued:
    """Exchange a username and password for a short-lived bearer token."""
    try:
        with db.unit_of_work() as session:
            issued = service.login(
                session, body.username, body.password, timedelta(hours=config.token_ttl_hours)
            )
            return TokenIssued(
                **TokenOut.model_validate(issued.token).model_dump(), token=issued.plaintext
            )
    except Unauthenticated as refusal:
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor=f"anonymous:{body.username[:64]}",
                action="auth.login_failed",
                target=f"username:{body.username[:64]}",
                reason=refusal.detail,
            )
        raise


@router.get("/me", response_model=Me)
def me(who: Principal = Depends(principal)) -> Me:
    return Me(
        actor=who.actor,
        role=who.role,
        user_id=who.user_id,
        username=who.username,
        team_id=who.team_id,
    )


@router.get("/users", response_model=list[UserOut])
def list_users(
    who: Principal = Depends(requires("users.read")), db: Database = Depends(database)
) -> list[UserOut]:
    with db.unit_of_work() as session:
        return [UserOut.model_validate(user) for user in service.list_users(session, who)]


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
        return UserOut.model_validate(service.disable_user(session, who, username, body.reason))


@router.get("/teams", response_model=list[TeamOut])
def list_teams(
    who: Principal = Depends(requires("teams.read")), db: Database = Depends(database)
) -> list[TeamOut]:
    with db.unit_of_work() as session:
        return [TeamOut.model_validate(team) for team in service.list_teams(session, who)]


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(
    body: TeamCreate,
    who: Principal = Depends(requires("teams.manage")),
    db: Database = Depends(database),
) -> TeamOut:
    with db.unit_of_work() as session:
        return TeamOut.model_validate(service.create_team(session, who, body.name))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    user: str | None = Query(default=None, max_length=64),
    who: Principal = Depends(principal),
    db: Database = Depends(database),
) -> list[TokenOut]:
    """Your own tokens; administrators see everyone's (or one user's with `user=`)."""
    with db.unit_of_work() as session:
        return [TokenOut.model_validate(token) for token in service.list_tokens(session, who, user)]


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
