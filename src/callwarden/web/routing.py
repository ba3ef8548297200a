"""Console routes answer in HTML, errors included: a page module makes its router with
`page_router()`, and every error a service raises becomes a page that says what happened and
what to do, with the status the API would give. Nothing here decides who may see what."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from callwarden.kit.errors import CallwardenError, Forbidden, NotFound
from callwarden.web.deps import CsrfRefused, PasswordChangeNeeded, SignInNeeded
from callwarden.web.templating import render

log = logging.getLogger("callwarden.console")


class UnexpectedError(CallwardenError):
    status, code, title = 500, "internal_error", "Something went wrong"

    def __init__(self) -> None:
        super().__init__("an unexpected error occurred; it has been logged for the operator")


# On every answer under the console's paths (`console.ConsoleHeaders`).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def redirect(request: Request, to: str) -> Response:
    """A redirect after a form (303), or htmx's own header when htmx asked."""
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


def _sign_in_page(request: Request, why: str) -> Response:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or wanted.startswith("/sign-in"):
        wanted = "/home"
    return redirect(request, f"/sign-in?next={quote(wanted, safe='/')}&why={quote(why)}")


def error_page(request: Request, error: CallwardenError) -> Response:
    """The page for an error; a record out of reach reads exactly as one that does not exist."""
    who = getattr(request.state, "viewer", None)
    if isinstance(error, SignInNeeded):
        return _sign_in_page(request, error.why)
    if isinstance(error, PasswordChangeNeeded):
        return redirect(request, "/account/password")
    template = "problem.html"
    if isinstance(error, Forbidden) and not isinstance(error, CsrfRefused):
        template = "not_allowed.html"  # a role that lacks the action; a stale form is not that
    elif isinstance(error, NotFound):
        error = NotFound("there is nothing at this address that you may see")
    detail = error.detail if not error.for_operator else "the service is not configured correctly"
    return render(
        request,
        template,
        {"title": error.title, "detail": detail, "code": error.code},
        who=who,
        status=error.status,
    )


class ConsoleRoute(APIRoute):
    """An APIRoute whose errors are pages (`console.ConsoleHeaders` adds the headers)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except CallwardenError as error:
                response = error_page(request, error)
            except RequestValidationError as invalid:
                fields = "; ".join(
                    f"{'.'.join(str(part) for part in problem['loc'][1:]) or 'form'}: "
                    f"{problem['msg']}"
                    for problem in invalid.errors()
                )
                response = error_page(request, CallwardenError(f"the form is not valid: {fields}"))
            except HTTPException:
                raise
            except Exception as unexpected:  # logged for the operator, a plain page for the person
                log.error("unhandled error", exc_info=unexpected, extra={"path": request.url.path})
                response = error_page(request, UnexpectedError())
            return response

        return page


def page_router() -> APIRouter:
    """The router of one console page module: HTML answers, left out of the API document."""
    return APIRouter(route_class=ConsoleRoute, include_in_schema=False)
