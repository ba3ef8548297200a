"""Events dated a little before the call began are accepted, within the policy's tolerance.

A phone system creates the call and reports its first events at once, on its own clock and
often in whole seconds, so the notice it played "at 12:00:00" may be dated before the server's
"12:00:00.700" call creation.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_token
from tests.support.policies import as_text, example_data

CALL = {
    "direction": "inbound",
    "parties": [{"role": "customer", "number": "+14155550123"}, {"role": "agent"}],
}


def _call(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/v1/calls", json=CALL, headers=headers)  # began now, server clock
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


def _event(
    client: TestClient, headers: dict[str, str], call_id: str, seconds_before: float, name: str
) -> tuple[int, str]:
    occurred = clock.now().replace(microsecond=0) - timedelta(seconds=seconds_before)
    body = {"event_id": name, "kind": "notice_played", "occurred_at": occurred.isoformat()}
    response = client.post(f"/v1/calls/{call_id}/events", json=body, headers=headers)
    return response.status_code, response.text


def _policy(db: Database, tolerance: int | None) -> dict[str, str]:
    data = example_data()
    if tolerance is not None:
        data["calls"] = {"clock_tolerance_s": tolerance}
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, as_text(data), "policy.yaml")
    return bearer(make_token(db, "integration"))


def test_a_first_event_a_second_or_two_early_is_accepted_by_default(
    client: TestClient, db: Database
) -> None:
    pbx = _policy(db, None)
    status, text = _event(client, pbx, _call(client, pbx), 2, "notice")
    assert status == 201, text


def test_an_event_earlier_than_the_tolerance_is_refused_and_says_why(
    client: TestClient, db: Database
) -> None:
    pbx = _policy(db, None)
    status, text = _event(client, pbx, _call(client, pbx), 30, "notice")
    assert status == 409
    assert "before the call began" in text and "clock tolerance of 5 s" in text


def test_the_policy_sets_the_tolerance(client: TestClient, db: Database) -> None:
    pbx = _policy(db, 0)
    status, text = _event(client, pbx, _call(client, pbx), 2, "notice")
    assert status == 409 and "clock tolerance of 0 s" in text


def test_events_after_the_first_stay_in_order(client: TestClient, db: Database) -> None:
    pbx = _policy(db, 60)
    call_id = _call(client, pbx)
    assert _event(client, pbx, call_id, 10, "first")[0] == 201
    status, text = _event(client, pbx, call_id, 20, "earlier")
    assert status == 409 and "out of order" in text
