"""Input that must be refused with a problem, never coerced and never a 500.

One test per class schemathesis found: lax coercion (true as an integer, numbers as times),
integers past 64 bits in paths and queries, dates outside the years the service stores, an
empty external id, a write that loses a race for a unique key, and a 405 that names only some
of the path's methods.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.kit.pagination import CursorKey
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT
from tests.support.problems import assert_problem

CALL = {"direction": "inbound", "parties": [{"role": "customer", "number": "+14155550123"}]}
HUGE = str(2**63)
# A cursor of the audit list whose sequence number no 64-bit column holds.
HUGE_CURSOR = CursorKey("audit_events", (int,)).encode((2**63,))


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    return bearer(make_token(db, "admin"))


@pytest.mark.parametrize("days", [True, "30", [30]], ids=["true", "text", "list"])
def test_a_token_lifetime_must_be_a_number(
    client: TestClient, admin: dict[str, str], days: Any
) -> None:
    response = client.post("/v1/tokens", json={"name": "ci", "days": days}, headers=admin)
    assert_problem(response, 422, "invalid_input")


def test_a_whole_number_written_as_json_float_is_still_a_number(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.post("/v1/tokens", json={"name": "ci", "days": 30.0}, headers=admin)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "started_at",
    [0, 1764547200, "0", "1764547200", "9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z"],
    ids=["zero", "epoch-number", "zero-text", "epoch-text", "year-9999", "year-1900"],
)
def test_a_call_start_must_be_a_real_time(
    client: TestClient, admin: dict[str, str], started_at: Any
) -> None:
    response = client.post("/v1/calls", json={**CALL, "started_at": started_at}, headers=admin)
    body = assert_problem(response, 422, "invalid_input")
    assert "started_at" in str(body["detail"])


def _call(client: TestClient, admin: dict[str, str]) -> str:
    response = client.post("/v1/calls", json=CALL, headers=admin)
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


@pytest.mark.parametrize(
    "event",
    [
        {"occurred_at": "9999-12-31T23:59:59Z", "offset_s": 1e308},
        {"occurred_at": 0},
        {"occurred_at": "2026-12-01T10:00:00Z", "offset_s": False},
        {"occurred_at": "2026-12-01T10:00:00Z", "max_duration_s": True},
    ],
    ids=["year-9999", "number-as-time", "false-as-offset", "true-as-duration"],
)
def test_an_event_with_impossible_values_is_refused(
    client: TestClient, admin: dict[str, str], event: dict[str, Any]
) -> None:
    call_id = _call(client, admin)
    response = client.post(
        f"/v1/calls/{call_id}/events",
        json={"event_id": "e1", "kind": "beep_tone", **event},
        headers=admin,
    )
    assert_problem(response, 422, "invalid_input")


@pytest.mark.parametrize(
    "url",
    [
        f"/v1/audit/events?cursor={HUGE_CURSOR}",
        f"/v1/policy/versions/{HUGE}",
        f"/v1/policy/rendered?version=-{HUGE}",
        "/v1/audit/events?until=0.5",
        "/v1/calls?to=0.5",
        "/v1/recordings?from=1764547200",
        "/v1/recordings?from=0534-02-23T12:13:53Z",
    ],
)
def test_query_and_path_values_past_what_is_stored_are_refused(
    client: TestClient, admin: dict[str, str], url: str
) -> None:
    assert_problem(client.get(url, headers=admin), 422, "invalid_input")


def test_an_empty_external_id_is_refused_every_time(
    client: TestClient, admin: dict[str, str]
) -> None:
    for _ in range(2):
        response = client.post("/v1/calls", json={**CALL, "external_id": ""}, headers=admin)
        assert_problem(response, 422, "invalid_input")


def test_a_405_lists_every_method_of_the_path(client: TestClient, admin: dict[str, str]) -> None:
    response = client.request("OPTIONS", "/v1/users", headers=admin)
    assert_problem(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


def _waiting_for_a_lock(db: Database) -> bool:
    with db.engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar_one()
    return bool(waiting)


def test_a_write_that_loses_a_race_for_a_unique_name_is_a_409_problem(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite serialises writers: there is no race to lose")
    with ThreadPoolExecutor(1) as pool, db.unit_of_work() as session:
        identity.create_team(session, SYSTEM, "Night shift")
        session.flush()  # holds the name in the unique index until this transaction ends
        racing = pool.submit(client.post, "/v1/teams", json={"name": "Night shift"}, headers=admin)
        deadline = time.monotonic() + 20
        while not _waiting_for_a_lock(db):
            assert time.monotonic() < deadline, "the racing request never reached the index"
            time.sleep(0.01)
    body = assert_problem(racing.result(timeout=20), 409, "conflict")
    assert "at the same time" in str(body["detail"])


def test_a_policy_as_long_as_its_schema_allows_is_judged_not_cut_off(
    client: TestClient, admin: dict[str, str]
) -> None:
    document = "\U0001f4de" * (512 * 1024)  # within maxLength; 6 MiB as escaped JSON
    body = json.dumps({"document": document}).encode()
    response = client.post(
        "/v1/policy/validate",
        content=body,
        headers={**admin, "content-type": "application/json"},
    )
    assert_problem(response, 422, "policy_invalid")
