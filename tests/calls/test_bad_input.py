"""Bad events: clear refusals, nothing partial written, each kept where an auditor sees it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import AuditEvent, CallEvent, CallParty
from tests.support.calls import CallDriver
from tests.support.factories import bearer, make_token

FACTS = {
    "direction": "inbound",
    "parties": [
        {"role": "customer", "jurisdiction": "US-CA"},
        {"role": "agent", "jurisdiction": "US-TX"},
    ],
}


def test_events_for_unknown_calls_are_404_and_audited(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    body = {"event_id": "x1", "kind": "notice_played", "occurred_at": datetime.now(UTC).isoformat()}
    response = client.post("/v1/calls/call_nope/events", json=body, headers=pbx)
    assert response.status_code == 404
    auditor = bearer(make_token(db, "auditor"))
    trail = client.get(
        "/v1/audit/events",
        params={"action": "call.violation", "target": "call:call_nope"},
        headers=auditor,
    ).json()
    assert trail["items"][0]["data"]["known_call"] is False


def test_duplicate_events_are_idempotent(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(client, pbx, FACTS)
    first = call.send("notice_played", event_id="n1", party="customer")
    assert first.status_code == 201
    call.clock -= timedelta(seconds=1)  # the exact same event again
    again = call.send("notice_played", event_id="n1", party="customer")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    changed = call.send("notice_played", event_id="n1", party="agent")
    assert changed.status_code == 409 and "already used" in changed.json()["detail"]
    assert len([e for e in call.detail()["events"] if e["client_event_id"] == "n1"]) == 1


def test_out_of_order_and_future_events(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(client, pbx, FACTS)
    call.ok("notice_played", party="customer", seconds=10)
    call.refused("recording_started", "out of order", seconds=-5)
    call.refused("recording_started", "in the future", seconds=7200)


def test_consent_from_a_party_not_on_the_call(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(client, pbx, FACTS)
    call.refused("consent_given", "not on this call", party="stranger")
    call.refused("consent_given", "needs the party")


def test_refusals_write_only_the_violation(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    call = CallDriver(client, pbx, FACTS)

    def counts() -> tuple[int, int, int]:
        with db.unit_of_work() as session:
            return (
                session.execute(select(func.count()).select_from(CallParty)).scalar_one(),
                session.execute(select(func.count()).select_from(CallEvent)).scalar_one(),
                session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            )

    before = counts()
    call.refused(
        "transferred",
        "not on this call",
        party="ghost",
        new_party={"role": "third_party", "jurisdiction": "US-WA"},
    )
    after = counts()
    assert after[0] == before[0]  # no party added
    assert after[1] == before[1] + 1  # the refused event, kept as a violation
    assert after[2] == before[2] + 1  # and its audit entry
    bad_party = call.send(
        "party_joined", new_party={"role": "third_party", "jurisdiction": "XX-YY"}
    )
    assert bad_party.status_code == 422
    assert counts()[0] == before[0]


def test_creating_the_same_external_call_twice_returns_it(
    client: TestClient, pbx: dict[str, str]
) -> None:
    facts = {**FACTS, "source": "twilio", "external_id": "CA123"}
    first = client.post("/v1/calls", json=facts, headers=pbx)
    second = client.post("/v1/calls", json=facts, headers=pbx)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["call_id"] == second.json()["call_id"]


def test_readers_cannot_report_events(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    call = CallDriver(client, pbx, FACTS)
    auditor = bearer(make_token(db, "auditor"))
    body = {"event_id": "a1", "kind": "notice_played", "occurred_at": datetime.now(UTC).isoformat()}
    assert (
        client.post(f"/v1/calls/{call.call_id}/events", json=body, headers=auditor).status_code
        == 403
    )
    assert client.get(f"/v1/calls/{call.call_id}/consent", headers=auditor).status_code == 200
