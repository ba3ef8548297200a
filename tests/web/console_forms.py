"""Signing in and sending forms over HTTP, for the console's page tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.console import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token a page of the console prints in its forms."""
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def signed_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    answer = client.post(
        "/sign-in",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(client, "/sign-in"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client
