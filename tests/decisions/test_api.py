"""POST /v1/decisions: stored, audited, explained; bad facts refused with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import AuditEvent, DecisionRecord
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT

CALIFORNIA_TO_TEXAS = {
    "direction": "inbound",
    "queue": "support",
    "call_id": "CA-1",
    "parties": [
        {"role": "customer", "number": "+14155550123"},
        {"role": "agent", "jurisdiction": "US-TX"},
    ],
}


@pytest.fixture
def integration(db: Database) -> dict[str, str]:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    return bearer(make_token(db, "integration"))


def counts(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as session:
        decisions = session.execute(select(func.count()).select_from(DecisionRecord)).scalar_one()
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return decisions, events


def test_decision_is_stored_audited_and_readable(
    client: TestClient, db: Database, integration: dict[str, str]
) -> None:
    response = client.post("/v1/decisions", json=CALIFORNIA_TO_TEXAS, headers=integration)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["record"] == "yes" and body["consent"] == "implied" and body["policy_version"] == 1
    assert "not legal advice" in body["disclaimer"]
    compliance = bearer(make_token(db, "compliance_officer"))
    stored = client.get(f"/v1/decisions/{body['decision_id']}", headers=compliance).json()
    assert stored["decision"]["record"] == "yes" and stored["facts"]["call_id"] == "CA-1"
    trail = client.get(
        "/v1/audit/events", params={"action": "decision.made"}, headers=compliance
    ).json()
    assert trail["items"][0]["target"] == f"decision:{body['decision_id']}"
    assert trail["items"][0]["data"]["law_version"] == body["law_version"]


def test_explain_returns_the_trace(client: TestClient, integration: dict[str, str]) -> None:
    body = client.post(
        "/v1/decisions?explain=true", json=CALIFORNIA_TO_TEXAS, headers=integration
    ).json()
    assert any("scope rule 'support' matched" in step for step in body["trace"])


def with_party(**party: Any) -> dict[str, Any]:
    return {**CALIFORNIA_TO_TEXAS, "parties": [party]}


@pytest.mark.parametrize(
    ("facts", "code", "fragment"),
    [
        (with_party(role="customer", jurisdiction="US-XX"), "unknown_jurisdiction", "US-XX"),
        (with_party(role="customer", number="+1 555 not a number"), "invalid_input", "number"),
        ({**CALIFORNIA_TO_TEXAS, "parties": []}, "invalid_input", "parties"),
        (with_party(role="caller"), "invalid_input", "role"),
        ({**CALIFORNIA_TO_TEXAS, "colour": "blue"}, "invalid_input", "colour"),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_written(
    client: TestClient,
    db: Database,
    integration: dict[str, str],
    facts: dict[str, Any],
    code: str,
    fragment: str,
) -> None:
    before = counts(db)
    response = client.post("/v1/decisions", json=facts, headers=integration)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code and fragment in response.json()["detail"]
    assert counts(db) == before


def test_no_policy_in_force_is_a_clear_error(client: TestClient, db: Database) -> None:
    token = bearer(make_token(db, "integration"))
    response = client.post("/v1/decisions", json=CALIFORNIA_TO_TEXAS, headers=token)
    assert response.status_code == 404 and "callwarden policy apply" in response.json()["detail"]


def test_policy_api_refuses_an_invalid_version(
    client: TestClient, db: Database, integration: dict[str, str]
) -> None:
    officer = bearer(make_token(db, "compliance_officer"))
    broken = EXAMPLE_TEXT.replace("min: P5Y, max: P7Y", "min: P2Y, max: P7Y")
    response = client.post("/v1/policy/versions", json={"document": broken}, headers=officer)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(
        p["path"] == "purposes.regulatory_record.retention.min" and p["line"] for p in problems
    )
    listed = client.get("/v1/policy/versions", headers=officer).json()["items"]
    assert [v["version"] for v in listed] == [1]
    same = client.post("/v1/policy/versions", json={"document": EXAMPLE_TEXT}, headers=officer)
    assert same.status_code == 200 and same.json()["created"] is False
    rendered = client.get("/v1/policy/rendered", params={"format": "html"}, headers=integration)
    assert rendered.status_code == 200 and "Northwind" in rendered.text
