"""Every list answers the one page shape, pages with `cursor` and `limit`, and refuses a cursor
it did not give out (or another list's) with a 422 problem."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit.pagination import CursorKey
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_team, make_token
from tests.support.policies import EXAMPLE_TEXT

LISTS = ["/v1/audit/events", "/v1/users", "/v1/teams", "/v1/tokens", "/v1/policy/versions"]


def items_of(client: TestClient, path: str, headers: dict[str, str], limit: int) -> list[Any]:
    found: list[Any] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        response = client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        assert len(page["items"]) <= limit
        found += page["items"]
        if page["next_cursor"] is None:
            return found
        params["cursor"] = page["next_cursor"]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_every_list_walked_a_row_at_a_time_is_the_whole_list(
    client: TestClient, db: Database
) -> None:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
        policies.apply(session, SYSTEM, EXAMPLE_TEXT + "\n# again\n", "policy.yaml")
    for name in ("red", "blue", "green"):
        make_team(db, name)
    for role in ("agent", "auditor"):
        make_token(db, role)
    admin = bearer(make_token(db, "admin"))
    for _ in range(2):
        made = client.post("/v1/tokens", json={"name": "another"}, headers=admin)
        assert made.status_code == 201, made.text
    for path in LISTS:
        whole = items_of(client, path, admin, 1000)
        assert len(whole) >= 2, path
        assert items_of(client, path, admin, 1) == whole, path


@pytest.mark.parametrize("path", [*LISTS, "/v1/calls", "/v1/findings", "/v1/jobs"])
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_cursor_the_list_did_not_give_out_is_a_422_problem(
    client: TestClient, db: Database, path: str
) -> None:
    admin = bearer(make_token(db, "admin"))
    elsewhere = CursorKey("somewhere_else", (int,)).encode((1,))
    for cursor in ("Zm9v", elsewhere, "eyJ4Ijox"):
        response = client.get(path, params={"cursor": cursor}, headers=admin)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["code"] == "invalid_input"
