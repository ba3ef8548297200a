"""Every kind of error is an RFC 9457 problem: no token, no route, malformed or unknown input, and
bodies over the size limit, whether declared or streamed, refused before anything is written."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import User
from tests.support.factories import bearer, make_token
from tests.support.problems import assert_problem


def test_missing_token_is_401_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/me"), 401, "unauthenticated")


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "not_found")


def test_malformed_json_is_422_problem_and_writes_nothing(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")
    response = client.post(
        "/v1/users",
        content=b'{"username": "x", "role": ',
        headers={**bearer(token), "content-type": "application/json"},
    )
    assert_problem(response, 422, "invalid_input")
    with db.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_unknown_fields_are_refused(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")
    response = client.post(
        "/v1/users",
        json={"username": "zed", "role": "agent", "is_admin": True},
        headers=bearer(token),
    )
    body = assert_problem(response, 422, "invalid_input")
    assert "is_admin" in str(body["detail"])


def test_oversized_body_is_413_before_reading(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")
    huge = b'{"username": "' + b"a" * 2_000_000 + b'", "role": "agent"}'
    response = client.post(
        "/v1/users", content=huge, headers={**bearer(token), "content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


def test_streamed_oversized_body_is_413(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"a" * 65536

    response = client.post(
        "/v1/users", content=chunks(), headers={**bearer(token), "content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")
