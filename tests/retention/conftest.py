"""Hold fixtures: the API with a policy and a filesystem vault, a cast of people, and calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from callwarden.vault.keyring import Keyring
from tests.recordings.conftest import CALIFORNIA, people, recorded_call
from tests.support.audio import wav
from tests.support.policies import EXAMPLE_TEXT

__all__ = ["people"]


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def record(
    api: TestClient,
    pbx: dict[str, str],
    *,
    agent: str = "alice",
    number: str = "+14155550123",
    team: str = "East",
    queue: str = "support",
) -> str:
    """A call from `number` taken by `agent`, recorded now; the recording's id."""
    facts: dict[str, Any] = {
        **CALIFORNIA,
        "agent_team": team,
        "queue": queue,
        "parties": [
            {"role": "customer", "number": number},
            {"role": "agent", "jurisdiction": "US-TX"},
        ],
    }
    call = recorded_call(api, pbx, facts)
    response = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=pbx,
        params={"idempotency_key": call.call_id, "agent": agent, "channel_map": "customer,agent"},
    )
    assert response.status_code == 201, response.text
    recording_id: str = response.json()["recording_id"]
    return recording_id
