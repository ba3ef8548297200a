"""One error family for the whole service.

Every error a user can cause carries an HTTP status and a stable machine code, so the API can
answer RFC 9457 problem+json and the CLI can print one clear line, from the same object.
"""

from __future__ import annotations

from typing import Any


class CallwardenError(Exception):
    """Base of every error that is the caller's to fix (or ours to explain)."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    # True when the detail is for whoever runs the service (it may name files, keys, settings):
    # the API then logs it and tells the client only that the service is misconfigured.
    for_operator: bool = False

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """Render as an RFC 9457 problem document."""
        problem: dict[str, Any] = {
            "type": f"https://callwarden.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            problem["instance"] = instance
        problem.update(self.extra)
        return problem

    def response_headers(self) -> dict[str, str]:
        """HTTP headers the answer must carry besides the problem document."""
        return {}


class InvalidInput(CallwardenError):
    status, code, title = 422, "invalid_input", "Invalid input"


class NotFound(CallwardenError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(CallwardenError):
    status, code, title = 409, "conflict", "Conflict"


class Unauthenticated(CallwardenError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class Forbidden(CallwardenError):
    status, code, title = 403, "forbidden", "Forbidden"


class TooManyRequests(CallwardenError):
    status, code, title = 429, "too_many_requests", "Too many requests"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class PayloadTooLarge(CallwardenError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class ConfigurationError(CallwardenError):
    status, code, title = 500, "configuration_error", "Configuration error"
    for_operator = True
