"""Calls are scoped like recordings: each role reads exactly the calls the shared rule gives it.

Agents their own calls, supervisors their team's, an integration the calls it created, the
oversight roles all. A call out of reach answers 404 by id, in its consent view and to events,
and is absent from the list (filtered in SQL, so `limit` counts only visible calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.migrate import alembic_config, upgrade
from callwarden.models import CallEvent
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_team, make_token
from tests.support.policies import EXAMPLE_TEXT

CUSTOMER = {"role": "customer", "number": "+14155550123"}
AGENT_PARTY = {"role": "agent", "jurisdiction": "US-TX"}


@dataclass
class World:
    calls: dict[str, str]  # name -> call id
    tokens: dict[str, dict[str, str]]  # who -> headers


def _create(client: TestClient, headers: dict[str, str], **extra: object) -> str:
    started = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    body = {"direction": "inbound", "parties": [CUSTOMER, AGENT_PARTY], "started_at": started}
    response = client.post("/v1/calls", json={**body, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


@pytest.fixture
def world(client: TestClient, db: Database) -> World:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    make_team(db, "red")
    make_team(db, "blue")
    tokens = {
        "agent_red": bearer(make_token(db, "agent", "ann", team="red")),
        "agent_blue": bearer(make_token(db, "agent", "bob", team="blue")),
        "supervisor_red": bearer(make_token(db, "supervisor", "sue", team="red")),
        "pbx_one": bearer(make_token(db, "integration", "pbx-one")),
        "pbx_two": bearer(make_token(db, "integration", "pbx-two")),
    }
    for role in ("admin", "compliance_officer", "legal", "auditor", "qa_reviewer"):
        tokens[role] = bearer(make_token(db, role))
    calls = {
        "ann_call": _create(client, tokens["pbx_one"], agent="ann"),
        "red_queue_call": _create(client, tokens["pbx_one"], agent_team="red"),
        "bob_call": _create(client, tokens["pbx_two"], agent="bob"),
    }
    return World(calls, tokens)


EVERY_CALL = {"ann_call", "red_queue_call", "bob_call"}
SEES = {
    "admin": EVERY_CALL,
    "compliance_officer": EVERY_CALL,
    "legal": EVERY_CALL,
    "auditor": EVERY_CALL,
    "agent_red": {"ann_call"},
    "agent_blue": {"bob_call"},
    "supervisor_red": {"ann_call", "red_queue_call"},
    "pbx_one": {"ann_call", "red_queue_call"},
    "pbx_two": {"bob_call"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_lists_exactly_its_calls(client: TestClient, world: World, who: str) -> None:
    response = client.get("/v1/calls", headers=world.tokens[who])
    assert response.status_code == 200, response.text
    listed = {row["call_id"] for row in response.json()["items"]}
    assert listed == {world.calls[name] for name in SEES[who]}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_reads_only_its_calls_by_id(client: TestClient, world: World, who: str) -> None:
    headers = world.tokens[who]
    for name, call_id in world.calls.items():
        expected = 200 if name in SEES[who] else 404
        for path in (f"/v1/calls/{call_id}", f"/v1/calls/{call_id}/consent"):
            response = client.get(path, headers=headers)
            assert response.status_code == expected, f"{who} {path}: {response.text}"
            if expected == 404:
                assert call_id in response.json()["detail"]  # the same answer as a missing call


def test_the_limit_counts_only_visible_calls(client: TestClient, world: World) -> None:
    """One visible call among newer invisible ones is still found with `limit=1`."""
    for _ in range(3):
        _create(client, world.tokens["pbx_one"])
    response = client.get("/v1/calls?limit=1", headers=world.tokens["agent_blue"])
    assert [row["call_id"] for row in response.json()["items"]] == [world.calls["bob_call"]]


def test_an_integration_cannot_report_events_on_another_sources_call(
    client: TestClient, db: Database, world: World
) -> None:
    event = {
        "event_id": "e1",
        "kind": "notice_played",
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    bob_call = world.calls["bob_call"]
    refused = client.post(
        f"/v1/calls/{bob_call}/events", json=event, headers=world.tokens["pbx_one"]
    )
    assert refused.status_code == 404, refused.text
    with db.reading() as session:
        stored = session.execute(
            select(func.count()).select_from(CallEvent).where(CallEvent.call_id == bob_call)
        ).scalar_one()
    assert stored == 0  # not even kept as a violation on a call it may not touch
    own = client.post(f"/v1/calls/{bob_call}/events", json=event, headers=world.tokens["pbx_two"])
    assert own.status_code == 201, own.text


def test_reusing_another_integrations_external_id_reveals_nothing(
    client: TestClient, world: World
) -> None:
    facts = {"direction": "inbound", "parties": [CUSTOMER], "external_id": "CA-1"}
    first = client.post("/v1/calls", json=facts, headers=world.tokens["pbx_two"])
    assert first.status_code == 201
    again = client.post("/v1/calls", json=facts, headers=world.tokens["pbx_two"])
    assert again.status_code == 200 and again.json()["call_id"] == first.json()["call_id"]
    other = client.post("/v1/calls", json=facts, headers=world.tokens["pbx_one"])
    assert other.status_code == 409, other.text
    assert first.json()["call_id"] not in other.text


def test_qa_reviewers_do_not_read_calls(client: TestClient, world: World) -> None:
    response = client.get("/v1/calls", headers=world.tokens["qa_reviewer"])
    assert response.status_code == 403


def test_an_unknown_agent_is_refused(client: TestClient, world: World) -> None:
    body = {"direction": "inbound", "parties": [CUSTOMER], "agent": "nobody"}
    response = client.post("/v1/calls", json=body, headers=world.tokens["pbx_one"])
    assert response.status_code == 422
    assert "unknown agent 'nobody'" in response.json()["detail"]


def test_migration_0008_gives_existing_calls_their_creator_and_team(
    client: TestClient, db: Database, world: World
) -> None:
    """Calls made before the owners were stored stay readable by the integration that made
    them and the team named in their facts (`created_by` and `agent_team` are backfilled)."""
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    upgrade(db)
    listed = client.get("/v1/calls", headers=world.tokens["pbx_one"]).json()["items"]
    assert {row["call_id"] for row in listed} == {
        world.calls["ann_call"],
        world.calls["red_queue_call"],
    }
    supervised = client.get("/v1/calls", headers=world.tokens["supervisor_red"]).json()["items"]
    assert {row["call_id"] for row in supervised} == {world.calls["red_queue_call"]}
