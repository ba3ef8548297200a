"""FastAPI dependencies: the database, the settings, and who is calling.

Authentication and denials each run in a short unit of work of their own, so a refused request
still leaves its denial in the audit trail while writing nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.audit.refusals import RefusalTally
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity import token_cache
from callwarden.identity.policies import Verdict, may
from callwarden.identity.principal import Principal
from callwarden.identity.throttle import SignInThrottle
from callwarden.kit.errors import Forbidden, Unauthenticated

_bearer = HTTPBearer(
    auto_error=False, description="API token: `Authorization: Bearer cwt_<id>.<secret>`"
)


async def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def settings(request: Request) -> Settings:
    current: Settings = request.app.state.settings
    return current


async def refusals(request: Request) -> RefusalTally:
    """Where unauthenticated refusals are counted and audited (once per source and window)."""
    tally: RefusalTally = request.app.state.refusals
    return tally


async def signin_throttle(request: Request) -> SignInThrottle:
    throttle: SignInThrottle = request.app.state.signin_throttle
    return throttle


def client_address(request: Request) -> str:
    """The peer's address as the server sees it (a proxy in front shows as the proxy)."""
    return request.client.host if request.client else "unknown"


class PasswordChangeRequired(Forbidden):
    code, title = "password_change_required", "Password change required"


def read_session(db: Database = Depends(database)) -> Iterator[Session]:
    """A read-only transaction for the request, never committed: what GET handlers use.

    On SQLite it is a deferred transaction on the read engine, so it never takes the write lock
    and a long read (a search, the whole audit chain) blocks no writer; on PostgreSQL it reads
    one snapshot (see `Database.reading`).
    """
    with db.reading() as session:
        yield session


def _authenticate(db: Database, presented: str) -> Principal:
    with db.reading() as session:
        return identity.authenticate(session, presented)


async def principal_changing_password(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    db: Database = Depends(database),
) -> Principal:
    """Who is calling, including a token that may only change its temporary password."""
    if credentials is None:
        raise Unauthenticated("send an API token: Authorization: Bearer cwt_<id>.<secret>")
    remembered = token_cache.recall(credentials.credentials)
    if remembered is not None:
        return remembered
    return await run_in_threadpool(_authenticate, db, credentials.credentials)


async def principal(who: Principal = Depends(principal_changing_password)) -> Principal:
    """Who is calling: a token seen in the last few seconds is recalled without a database read.

    A token from a temporary password is refused everywhere but POST /v1/me/password.
    """
    if who.password_change_only:
        raise PasswordChangeRequired(
            "this token comes from a temporary password and may only change it: "
            "POST /v1/me/password with current_password and new_password, then sign in again"
        )
    return who


def record_denial(db: Database, who: Principal, action: str, target: str, verdict: Verdict) -> None:
    """Keep a refused attempt in the audit trail, committed on its own."""
    with db.separate_unit_of_work("a refused attempt is kept while the request fails") as session:
        audit.record(
            session,
            actor=who.actor,
            action="access.denied",
            target=target,
            reason=verdict.reason,
            data={"attempted": action, "role": who.role.value},
        )


def requiring(
    action: str, identify: Callable[..., Awaitable[Principal]], kind: str
) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets the request through only if the caller's role may take `action`;
    a refusal is audited with the `kind` of thing asked for (an API endpoint, a console page)."""

    async def check(
        request: Request, who: Principal = Depends(identify), db: Database = Depends(database)
    ) -> Principal:
        verdict = may(who, action)
        if not verdict:
            target = f"{kind}:{request.method} {request.url.path}"
            await run_in_threadpool(record_denial, db, who, action, target, verdict)
            raise Forbidden(verdict.reason)
        return who

    return check


def requires(action: str) -> Callable[..., Awaitable[Principal]]:
    """An API route's action: the bearer token's role may take it, or 403 (audited)."""
    return requiring(action, principal, "endpoint")
