"""Who is looking at a page, what they may do, and the CSRF check of every form.

The rules are the API's (`identity.policies`): a page needs an action, and a role without it
gets the "not allowed" page naming the roles that have it, with the refusal audited as the
API audits one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity import token_cache
from callwarden.identity.principal import Principal
from callwarden.kit.errors import (
    CallwardenError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from callwarden.server.deps import database, requiring, settings
from callwarden.web import session as cookies

KEEP_ALIVE_EVERY_S = 60.0


class SignInNeeded(Unauthenticated):
    """No session, or one that has ended: the console answers with the sign-in page, whose
    notice is named by `why` (a key of `pages.account.NOTICES`, never text from the URL)."""

    code, title = "sign_in_needed", "Sign in needed"

    def __init__(self, detail: str, why: str = "sign_in") -> None:
        super().__init__(detail)
        self.why = why


class PasswordChangeNeeded(CallwardenError):
    """Signed in with a temporary password: the console sends them to choose their own."""

    status, code, title = 303, "password_change_needed", "Choose a password"


class CsrfRefused(Forbidden):
    code, title = "csrf_refused", "Form refused"


_extended_at: dict[str, float] = {}
_extended_lock = threading.Lock()


def _due_for_extension(token_id: str) -> bool:
    now = time.monotonic()
    with _extended_lock:
        if len(_extended_at) > 10_000:
            _extended_at.clear()
        if now - _extended_at.get(token_id, 0.0) < KEEP_ALIVE_EVERY_S:
            return False
        _extended_at[token_id] = now
        return True


def _signed_in(db: Database, config: Settings, presented: str) -> Principal:
    who = token_cache.recall(presented)
    if who is None:
        with db.reading() as session:
            who = identity.authenticate(session, presented)
    if who.token_id is not None and _due_for_extension(who.token_id):
        with db.unit_of_work() as session:
            identity.keep_session_alive(
                session,
                who.token_id,
                cookies.SESSION_LABEL,
                idle=timedelta(minutes=config.console_idle_minutes),
                longest=timedelta(hours=config.token_ttl_hours),
            )
    return who


async def viewer_changing_password(
    request: Request, db: Database = Depends(database), config: Settings = Depends(settings)
) -> Principal:
    """The signed-in person, including one who may only choose a new password."""
    presented = cookies.session_cookie(request)
    if presented is None:
        raise SignInNeeded("sign in to use the console")
    try:
        return await run_in_threadpool(_signed_in, db, config, presented)
    except Unauthenticated as ended:
        raise SignInNeeded(
            f"your session has ended ({ended.detail}); sign in again", why="ended"
        ) from None


async def viewer(request: Request, who: Principal = Depends(viewer_changing_password)) -> Principal:
    """The signed-in person; one with a temporary password is sent to choose their own."""
    if who.password_change_only:
        raise PasswordChangeNeeded("choose your own password before using the console")
    request.state.viewer = who  # the error pages show the navigation too
    _refuse_nul(request)
    return who


def _refuse_nul(request: Request) -> None:
    """No id or name holds a NUL (PostgreSQL cannot even compare one): an address with one
    names nothing, and a filter with one is refused, before any query would fail on it."""
    if any("\x00" in value for value in request.path_params.values()):
        raise NotFound("nothing here")
    if any("\x00" in value for _, value in request.query_params.multi_items()):
        raise InvalidInput("a field holds a NUL character, which no value here may contain")


def console_requires(action: str) -> Callable[..., Awaitable[Principal]]:
    """The page's action: the signed-in role may take it, or the refusal is audited and shown."""
    return requiring(action, viewer, "page")


async def csrf_checked(request: Request) -> None:
    """Every state-changing form carries the token bound to the browser's cookie, and no
    field with a NUL (no value may hold one; PostgreSQL would fail on it)."""
    form = await request.form()
    presented = form.get(cookies.CSRF_FIELD) or request.headers.get(cookies.CSRF_HEADER)
    bound_to = cookies.csrf_binding(request)
    if not isinstance(presented, str) or not cookies.csrf_matches(bound_to, presented):
        raise CsrfRefused(
            "this form was not sent from a page of this console (or the page is too old); "
            "go back, reload the page and send it again"
        )
    if any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
        raise InvalidInput("a field holds a NUL character, which no value here may contain")
