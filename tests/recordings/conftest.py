"""Recording fixtures: a key ring, the vault on the filesystem and on S3, and calls to record."""

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
from callwarden.vault.runtime import vault_for
from tests.support.calls import CallDriver
from tests.support.factories import bearer, make_team, make_token, make_user, token_for
from tests.support.policies import EXAMPLE_TEXT


@pytest.fixture(params=["filesystem", pytest.param("s3", marks=pytest.mark.s3)])
def vault_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    if request.param == "filesystem":
        yield settings
        return
    seaweed: Any = request.getfixturevalue("seaweed")
    with seaweed.bucket("cw-rec") as bucket:
        yield settings.model_copy(
            update={
                "vault_store": "s3",
                "s3_endpoint_url": seaweed.endpoint_url,
                "s3_bucket": bucket,
                "s3_access_key": seaweed.access_key,
                "s3_secret_key": seaweed.secret_key,
            }
        )


@pytest.fixture
def api(vault_settings: Settings, db: Database) -> Iterator[TestClient]:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    with TestClient(create_app(vault_settings, db), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def people(db: Database) -> dict[str, dict[str, str]]:
    """Bearer headers for a cast of users; alice and bob are agents in two teams."""
    make_team(db, "East")
    make_team(db, "West")
    agents = [
        make_user(db, "agent", "alice", team="East"),
        make_user(db, "agent", "bob", team="West"),
    ]
    cast = {
        "pbx": ("integration", None),
        "east-lead": ("supervisor", "East"),
        "west-lead": ("supervisor", "West"),
        "quinn": ("qa_reviewer", None),
        "cora": ("compliance_officer", None),
        "lee": ("legal", None),
        "audra": ("auditor", None),
        "root": ("admin", None),
    }
    headers = {
        name: bearer(make_token(db, role, name, team)) for name, (role, team) in cast.items()
    }
    for agent in agents:
        headers[agent.username] = bearer(token_for(db, agent))
    return headers


def objects(settings: Settings) -> list[str]:
    return [item.key for item in vault_for(settings).store.list("")]


CALIFORNIA = {
    "direction": "inbound",
    "queue": "support",
    "agent_team": "East",
    "parties": [
        {"role": "customer", "number": "+14155550123"},
        {"role": "agent", "jurisdiction": "US-TX"},
    ],
}


def recorded_call(
    api: TestClient, pbx: dict[str, str], facts: dict[str, Any] | None = None
) -> CallDriver:
    call = CallDriver(api, pbx, facts or CALIFORNIA)
    call.ok("notice_played", party="customer")
    call.ok("recording_started", offset_s=0.0)
    return call
