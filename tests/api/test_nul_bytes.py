"""A NUL character in an address, a query or a JSON string names nothing and is refused with a
clear problem, on both backends (PostgreSQL cannot store or even compare one)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.db import Database
from tests.support.factories import bearer, make_token


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/recordings/rec%00x", 404),
        ("/v1/calls/call%00x", 404),
        ("/v1/calls/call%00x/events", 404),
        ("/v1/audit/events?actor=user%00x", 422),
        ("/v1/recordings?agent=a%00b", 422),
    ],
)
def test_a_nul_in_the_address_or_query_is_refused(
    client: TestClient, db: Database, path: str, status: int
) -> None:
    token = bearer(make_token(db, "compliance_officer"))
    answer = client.get(path, headers=token)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "NUL" in answer.json()["detail"] or status == 404


def test_a_nul_in_a_json_string_is_refused(client: TestClient, db: Database) -> None:
    token = bearer(make_token(db, "admin"))
    answer = client.post("/v1/teams", json={"name": "north\u0000"}, headers=token)
    assert answer.status_code == 422, answer.text
