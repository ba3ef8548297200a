"""RFC 9457 problem+json for every error the API can return."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from callwarden.kit.errors import CallwardenError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("callwarden.api")


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

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
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

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
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
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        body = {
            "type": "https://callwarden.dev/problems/internal_error",
            "title": "Internal error",
            "status": 500,
            "detail": "an unexpected error occurred; it has been logged",
            "code": "internal_error",
            "instance": request.url.path,
        }
        return JSONResponse(body, status_code=500, media_type=PROBLEM_JSON)
