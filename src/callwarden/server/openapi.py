"""The OpenAPI document as clients need it: every operation's problem answers, in one place.

Routes declare their success shapes; the refusals every operation can give (problem+json per
RFC 9457) are added here, so a client generator or a contract tester sees each status the
server can answer and the media type it answers with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from callwarden.server.problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem; `code` is stable for programs, `detail` is for people.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Each invalid input, for 422 invalid_input.",
            "items": {
                "type": "object",
                "properties": {"location": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}

WHY = {
    400: "The request cannot be read (e.g. a malformed body).",
    401: "No valid bearer token.",
    403: "The caller's role may not do this (the refusal is audited).",
    404: "Nothing with that id that the caller may see.",
    409: "The request conflicts with the stored state (or a concurrent write).",
    413: "The body is larger than the limit.",
    416: "The requested byte range lies outside the recording.",
    422: "Invalid input: the problem's `errors` say where.",
    429: "Too many attempts; retry after the `Retry-After` seconds.",
    503: "The service is not configured for this (the problem says what to set).",
}
EVERY_OPERATION = (400, 404, 409, 413, 422, 429)
AUTHENTICATED = (401, 403)


def problem(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or WHY[status],
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route whose refusals go beyond those every operation documents."""
    return {status: problem(status) for status in statuses}


def _with_problems(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = EVERY_OPERATION + (AUTHENTICATED if operation.get("security") else ())
            for status in statuses:
                entry = responses.setdefault(str(status), problem(status))
                entry["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
                if status == 422:
                    entry["description"] = WHY[422]
    still_used = str(document["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"/{unused}'" not in still_used:
            schemas.pop(unused, None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the document with every operation's problem answers added (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _with_problems(document)
        return app.openapi_schema

    replace: Callable[[], dict[str, Any]] = openapi
    app.openapi = replace  # type: ignore[method-assign]
