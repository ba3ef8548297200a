"""Calls for the console's pages, made the way a phone system makes them: through the API,
with real decisions, events (a refused one kept as a violation), pauses and an uploaded
recording; and signing in over HTTP as a person."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from callwarden.vault.keyring import Keyring
from callwarden.verification import findings
from tests.support.audio import wav
from tests.support.calls import CallDriver
from tests.support.console import PASSWORD
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
GERMAN_CUSTOMER = {"role": "customer", "jurisdiction": "DE", "language": "de"}
TEXAN_AGENT = {"role": "agent", "jurisdiction": "US-TX"}


def phone_system(db: Database, settings: Settings) -> dict[str, str]:
    """The example policy in force, a key ring for the vault, and an integration's headers."""
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    if not settings.keyring_path.exists():
        settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
        Keyring.create(settings.keyring_path)
    return bearer(make_token(db, "integration", "pbx"))


def full_call(client: TestClient, pbx: dict[str, str], **facts: Any) -> CallDriver:
    """A German customer's call: notice, consent by keypress, recording with a payment pause,
    a refused event (kept as a violation) and the end of the call."""
    call = CallDriver(
        client,
        pbx,
        {"direction": "inbound", "parties": [GERMAN_CUSTOMER, TEXAN_AGENT], **facts},
    )
    call.ok("notice_played", party="customer", script_id="notice-de-v2", seconds=4)
    call.ok("consent_given", party="customer", method="dtmf", digit="1", seconds=6)
    call.ok("recording_started", offset_s=0.0, seconds=2)
    call.ok("recording_paused", reason="payment", offset_s=40.0, seconds=40)
    call.ok("recording_resumed", offset_s=40.0, seconds=30)
    call.ok("call_ended", offset_s=100.0, seconds=60)
    call.refused("recording_started", "no events are accepted after call_ended", seconds=5)
    return call


def quiet_call(client: TestClient, pbx: dict[str, str], **facts: Any) -> CallDriver:
    """A call with nothing reported yet."""
    return CallDriver(
        client, pbx, {"direction": "inbound", "parties": [GERMAN_CUSTOMER, TEXAN_AGENT], **facts}
    )


def upload_recording(client: TestClient, pbx: dict[str, str], call_id: str) -> str:
    """Audio of the call, stored in the vault as the phone system would send it."""
    response = client.post(
        f"/v1/calls/{call_id}/recordings",
        content=wav(4.0),
        headers=pbx,
        params={"idempotency_key": f"rec-{call_id}", "channel_map": "customer,agent"},
    )
    assert response.status_code == 201, response.text
    recording_id: str = response.json()["recording_id"]
    return recording_id


def sign_in(client: TestClient, username: str) -> None:
    """Sign the client in to the console as `username` (a person `make_person` made)."""
    found = CSRF.search(client.get("/sign-in").text)
    assert found
    answer = client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def open_finding(db: Database, recording_id: str, kind: str, summary: str) -> int:
    """A finding on a stored recording, opened through the findings service (as a check does)."""
    with db.unit_of_work() as session:
        row = findings.open_finding(
            session,
            "check:test",
            recording_id=recording_id,
            check_name="audio",
            kind=kind,
            severity="high",
            summary=summary,
            detail={},
        )
        return row.id
