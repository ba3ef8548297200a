"""An app with the Twilio adapter configured, the example policy in force, and a fake Twilio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.calls.twilio.fake import ACCOUNT, PUBLIC, TOKEN, FakeTwilio, Ledger
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT


@pytest.fixture
def twilio_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "public_base_url": PUBLIC,
            "twilio_auth_token": TOKEN,
            "twilio_account_sid": ACCOUNT,
        }
    )


@pytest.fixture
def twilio_client(twilio_settings: Settings, db: Database) -> Iterator[TestClient]:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    app = create_app(twilio_settings, db)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def twilio(twilio_client: TestClient) -> FakeTwilio:
    return FakeTwilio(twilio_client)


@pytest.fixture
def auditor(db: Database) -> dict[str, str]:
    return bearer(make_token(db, "auditor"))


@pytest.fixture
def ledger(twilio_client: TestClient, auditor: dict[str, str]) -> Ledger:
    return Ledger(twilio_client, auditor)
