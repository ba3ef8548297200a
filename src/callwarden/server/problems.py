"""RFC 9457 problem+json for every error the API can return."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from callwarden.kit.errors import CallwardenError, Conflict

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("callwarden.api")

# SQLSTATEs (and SQLite's words) of a write that lost a race for a unique key or a row it
# referred to: the caller's request conflicts with what another request stored meanwhile.
_CONFLICT_STATES = {"23505", "23503"}
_SQLITE_CONFLICTS = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def lost_a_race(error: IntegrityError) -> bool:
    """True when the database refused a write because of another request's concurrent write."""
    state = getattr(error.orig, "sqlstate", None)
    return state in _CONFLICT_STATES or any(words in str(error.orig) for words in _SQLITE_CONFLICTS)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (the router names only the first route's).

    A fixed path the API documents is its own resource: at `/v1/cases/follow-up` only what is
    documented there counts, not the methods of `/v1/cases/{case_ref}`, which it also fits
    and which would only answer that no such case exists."""
    served = {
        method
        for method in _METHODS
        for route in request.app.router.routes
        if route.matches({**request.scope, "method": method})[0] is Match.FULL
    }
    documented = request.app.openapi().get("paths", {}).get(request.url.path)
    if documented:
        named = {method.upper() for method in documented}
        named |= {"HEAD"} if "GET" in named else set()
        served = {method for method in served if method in named} or served
    return ", ".join(sorted(served))


MISCONFIGURED = "the service is not configured correctly; its log tells the operator what to fix"


def problem_response(error: CallwardenError, request: Request) -> JSONResponse:
    """The error as problem+json; an operator's error (it may name server paths) only logged."""
    if error.for_operator:
        log.error(error.detail, extra={"path": request.url.path, "code": error.code})
        problem = CallwardenError(MISCONFIGURED).to_problem(instance=request.url.path)
        problem.update(status=error.status, code=error.code, title=error.title)
        problem["type"] = f"https://callwarden.dev/problems/{error.code}"
    else:
        problem = error.to_problem(instance=request.url.path)
    return JSONResponse(
        problem,
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=_headers(error, request) or None,
    )


def _headers(error: CallwardenError, request: Request) -> dict[str, str]:
    headers = error.response_headers()
    if error.status == 401:
        headers = {**headers, **_challenge(request)}
    return headers


def _challenge(request: Request) -> dict[str, str]:
    """HTTP requires a 401 to say how to authenticate; RFC 6750 adds why a token was refused."""
    challenge = 'Bearer realm="callwarden"'
    if "authorization" in request.headers:
        challenge += ', error="invalid_token"'
    return {"WWW-Authenticate": challenge}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(CallwardenError)
    async def _ours(request: Request, error: CallwardenError) -> JSONResponse:
        return problem_response(error, request)

    @app.exception_handler(ValidationError)
    @app.exception_handler(RequestValidationError)
    async def _invalid(
        request: Request, error: RequestValidationError | ValidationError
    ) -> JSONResponse:
        problems = [
            {"location": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        first = problems[0] if problems else {"location": "body", "message": "invalid"}
        detail = f"{first['location']}: {first['message']}"
        body = CallwardenError(detail).to_problem(instance=request.url.path)
        body.update(
            status=422,
            code="invalid_input",
            title="Invalid input",
            errors=problems,
            type="https://callwarden.dev/problems/invalid_input",
        )
        return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON)

    @app.exception_handler(IntegrityError)
    async def _race(request: Request, error: IntegrityError) -> JSONResponse:
        if not lost_a_race(error):
            return _internal_error(request, error)
        conflict = Conflict(
            "another request changed the same record at the same time; read it again and retry"
        )
        return problem_response(conflict, request)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        body = {
            "type": f"https://callwarden.dev/problems/{code}",
            "title": str(error.detail),
            "status": error.status_code,
            "detail": str(error.detail),
            "code": code,
            "instance": request.url.path,
        }
        return JSONResponse(
            body,
            status_code=error.status_code,
            media_type=PROBLEM_JSON,
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        return _internal_error(request, error)


def internal_error_body(path: str) -> dict[str, Any]:
    return {
        "type": "https://callwarden.dev/problems/internal_error",
        "title": "Internal error",
        "status": 500,
        "detail": "an unexpected error occurred; it has been logged",
        "code": "internal_error",
        "instance": path,
    }


def _internal_error(request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=error, extra={"path": request.url.path})
    return JSONResponse(
        internal_error_body(request.url.path), status_code=500, media_type=PROBLEM_JSON
    )
