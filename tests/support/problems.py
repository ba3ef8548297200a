"""The one check of an RFC 9457 problem answer, shared by every test that expects a refusal."""

from __future__ import annotations

from typing import Any

import httpx


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The answer is a problem+json with this status and stable code, and says what went wrong."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    return body
