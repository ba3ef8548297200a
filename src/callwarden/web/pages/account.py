"""Signing in and out of the console, and choosing one's own password.

Sign-in goes through the same flow as `POST /v1/auth/token` (`server.signin`): the same
throttle per username and per address, the same audit of failures.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from callwarden.audit.refusals import RefusalTally
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import passwords
from callwarden.identity import service as identity
from callwarden.identity.principal import Principal
from callwarden.identity.throttle import SignInThrottle
from callwarden.kit.errors import CallwardenError, TooManyRequests
from callwarden.server.deps import client_address, database, refusals, settings, signin_throttle
from callwarden.server.signin import attempt_sign_in
from callwarden.web import session as cookies
from callwarden.web.deps import csrf_checked, viewer_changing_password
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Account", "/account/password", None, order=900)
# What the sign-in page may say above its form, by the key in `?why=`: a link from anywhere
# can name one of these, but cannot put its own words on this page.
NOTICES = {
    "sign_in": "Sign in to use the console.",
    "ended": "Your session has ended (it was idle too long, signed out elsewhere, or your "
    "account changed). Sign in again.",
    "signed_out": "You have signed out.",
    "password_changed": "Password changed. Sign in with it.",
}


def safe_next(target: str | None) -> str:
    """Only a path of this console: never another site (`//host`, `\\host`, `https:`), and no
    space or control character (a browser drops tabs and line breaks, so `/\t/host` would
    read as `//host`; a line break would also end the `HX-Redirect` header)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in target)
    ):
        return "/home"
    return target


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/home", why: str | None = None) -> Response:
    notice = NOTICES.get(why or "")
    return render(
        request, "sign_in.html", {"next": safe_next(next), "notice": notice, "error": None}
    )


@router.post("/sign-in", dependencies=[Depends(csrf_checked)])
def sign_in(
    request: Request,
    username: str = Form(max_length=200),
    password: str = Form(max_length=400),
    next: str = Form("/home", max_length=2000),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
    throttle: SignInThrottle = Depends(signin_throttle),
    tally: RefusalTally = Depends(refusals),
) -> Response:
    """A session for the right password; the sign-in page again, saying why, otherwise."""
    lifetime = min(
        timedelta(minutes=config.console_idle_minutes), timedelta(hours=config.token_ttl_hours)
    )
    try:
        signed = attempt_sign_in(
            db,
            throttle,
            tally,
            username=username,
            password=password,
            address=client_address(request),
            lifetime=lifetime,
            label=cookies.SESSION_LABEL,
        )
    except CallwardenError as refused:
        context = {"next": safe_next(next), "notice": None, "error": refused.detail}
        page = render(request, "sign_in.html", context, status=refused.status)
        if isinstance(refused, TooManyRequests) and refused.retry_after_s is not None:
            page.headers["Retry-After"] = str(refused.retry_after_s)
        return page
    target = "/account/password" if signed.password_change_required else safe_next(next)
    response = redirect(request, target)
    cookies.set_cookie(response, request, cookies.SESSION_COOKIE, signed.issued.plaintext)
    cookies.clear_cookie(response, request, cookies.PRESESSION_COOKIE)
    return response


def _end_session(db: Database, who: Principal) -> None:
    if who.token_id is None:
        return
    with db.unit_of_work() as session:
        identity.revoke_token(session, who, who.token_id, reason="signed out of the console")


@router.post("/sign-out", dependencies=[Depends(csrf_checked)])
async def sign_out(
    request: Request,
    who: Principal = Depends(viewer_changing_password),
    db: Database = Depends(database),
) -> Response:
    """The session's token is revoked, not only forgotten by the browser."""
    await run_in_threadpool(_end_session, db, who)
    response = redirect(request, "/sign-in?why=signed_out")
    cookies.clear_cookie(response, request, cookies.SESSION_COOKIE)
    return response


@router.get("/account/password")
def password_page(request: Request, who: Principal = Depends(viewer_changing_password)) -> Response:
    return render(request, "account_password.html", {"error": None}, who=_shown(who))


@router.post("/account/password", dependencies=[Depends(csrf_checked)])
def change_password(
    request: Request,
    current_password: str = Form(max_length=400),
    new_password: str = Form(max_length=400),
    confirm_password: str = Form(max_length=400),
    who: Principal = Depends(viewer_changing_password),
    db: Database = Depends(database),
) -> Response:
    """Your own password; after a temporary one, sign in again with the new one."""
    try:
        if new_password != confirm_password:
            raise CallwardenError("the new password and its confirmation differ")
        with db.unit_of_work() as session:
            passwords.change_own_password(session, who, current_password, new_password)
    except CallwardenError as refused:
        page = render(
            request,
            "account_password.html",
            {"error": refused.detail},
            who=_shown(who),
            status=refused.status,
        )
        return page
    if who.password_change_only:
        response = redirect(request, "/sign-in?why=password_changed")
        cookies.clear_cookie(response, request, cookies.SESSION_COOKIE)
        return response
    return redirect(request, "/home")


def _shown(who: Principal) -> Principal | None:
    """Someone who must first choose a password sees no navigation: nothing else opens yet."""
    return None if who.password_change_only else who
