"""The console's session: a cookie holding a sign-in token, and the CSRF token bound to it.

A console session is an ordinary token (so revoking it, a role change or a password reset ends
it as it ends any token), issued with the idle timeout as its lifetime and pushed on by each
request, never past `token_ttl_hours` after sign-in. The cookie is HttpOnly, SameSite=Strict,
and Secure whenever the page came over TLS.

The CSRF token of a form is a hash of the session cookie: a page of ours can print it, another
site can neither read the cookie nor compute the hash. Before sign-in the same is done with a
random pre-session cookie, so the sign-in form is protected too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.responses import Response

SESSION_COOKIE = "callwarden_session"
PRESESSION_COOKIE = "callwarden_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LABEL = "console session"  # the name its token carries


def csrf_for(cookie_value: str) -> str:
    """The CSRF token that forms carry for this cookie (one-way: it does not reveal the cookie)."""
    return hashlib.sha256(b"callwarden-csrf\0" + cookie_value.encode()).hexdigest()


def csrf_matches(cookie_value: str | None, presented: str | None) -> bool:
    if not cookie_value or not presented:
        return False
    return hmac.compare_digest(csrf_for(cookie_value), presented)


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def presession_cookie(request: Request) -> str | None:
    return request.cookies.get(PRESESSION_COOKIE) or None


def new_presession() -> str:
    return secrets.token_urlsafe(32)


def csrf_binding(request: Request) -> str | None:
    """The cookie a form's CSRF token is bound to: the session, or before it the pre-session."""
    return session_cookie(request) or presession_cookie(request)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """A cookie the page's scripts cannot read, sent only to this site, only over TLS if TLS."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(
        name, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
