"""Retention fixtures: the API with a policy and a filesystem vault, a cast of people, calls,
the node's signing key and an issued destruction certificate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import RetentionSweep
from callwarden.policy import service as policies
from callwarden.retention import certificate
from callwarden.signing import create_signing_key_file
from callwarden.vault.keyring import Keyring
from tests.recordings.conftest import CALIFORNIA, people, recorded_call
from tests.support.audio import wav
from tests.support.policies import EXAMPLE_TEXT
from tests.support.sweeps import make_sweep

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


@pytest.fixture
def signing_key(settings: Settings) -> Ed25519PrivateKey:
    return create_signing_key_file(settings.signing_key_path)


@pytest.fixture
def public(signing_key: Ed25519PrivateKey) -> Ed25519PublicKey:
    return signing_key.public_key()


def issue(db: Database, settings: Settings, sweep_id: str) -> str:
    """Issue the certificate of a sweep built in the tables, in its own unit of work."""
    with db.unit_of_work() as session:
        sweep = session.get(RetentionSweep, sweep_id)
        assert sweep is not None
        return certificate.issue(session, sweep, settings)


@pytest.fixture
def issued(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    settings: Settings,
    signing_key: Ed25519PrivateKey,
) -> tuple[str, str, list[str]]:
    """A sweep of three real recordings: (sweep id, certificate text, recording ids)."""
    ids = [record(api, people["pbx"], number=f"+1415555010{n}") for n in range(3)]
    sweep_id = make_sweep(db, ids, reference="<b>erasure</b> of +14155550100")
    return sweep_id, issue(db, settings, sweep_id), ids
