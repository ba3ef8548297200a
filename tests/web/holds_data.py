"""Calls and forms for the legal-holds pages' tests: a recorded call from a chosen number, and
the hold form sent as a person sends it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent, LegalHold
from tests.recordings.conftest import CALIFORNIA, recorded_call
from tests.support.audio import wav
from tests.web.recording_data import CAST, csrf_of


def call_from(
    api: TestClient, pbx: dict[str, str], number: str, agent: str = "alice", queue: str = "support"
) -> str:
    """A call from `number` taken by `agent` (in their team), recorded; the recording's id."""
    facts: dict[str, Any] = {
        **CALIFORNIA,
        "queue": queue,
        "agent_team": CAST[agent][1],
        "parties": [
            {"role": "customer", "number": number},
            {"role": "agent", "jurisdiction": "US-TX"},
        ],
    }
    call = recorded_call(api, pbx, facts)
    answer = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=pbx,
        params={"idempotency_key": "rec", "agent": agent, "channel_map": "customer,agent"},
    )
    assert answer.status_code == 201, answer.text
    recording_id: str = answer.json()["recording_id"]
    return recording_id


def send_hold(browser: TestClient, step: str = "check", **fields: str) -> Any:
    """The new-hold form, sent at `step` (check, edit, create) with these fields."""
    data = {"csrf_token": csrf_of(browser, "/holds/new"), "step": step, **fields}
    return browser.post("/holds", data=data, follow_redirects=False)


def make_hold(browser: TestClient, **fields: str) -> str:
    """A hold made through the form's confirm step; its id."""
    answer = send_hold(browser, step="create", **fields)
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    assert location.endswith("?done=created"), location
    return location.split("/holds/", 1)[1].split("?", 1)[0]


def audited(db: Database, action: str, hold_id: str) -> list[AuditEvent]:
    with db.reading() as session:
        query = select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.target == f"hold:{hold_id}"
        )
        found = list(session.scalars(query.order_by(AuditEvent.seq)))
        session.expunge_all()
        return found


def stored_hold(db: Database, hold_id: str) -> LegalHold:
    with db.reading() as session:
        hold = session.get(LegalHold, hold_id)
        assert hold is not None
        session.expunge(hold)
        return hold


def hold_count(db: Database) -> int:
    with db.reading() as session:
        return len(session.scalars(select(LegalHold.id)).all())
