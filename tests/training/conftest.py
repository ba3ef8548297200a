"""A small organisation to train: two teams, agents, a supervisor, an auditor, a compliance
officer, an integration (which takes no training) and a disabled agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import pytest

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.kit import clock
from callwarden.models import User
from callwarden.policy import service as policies
from tests.support.factories import make_team, make_user, principal_of

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
COURSE = resources.files("callwarden.training").joinpath("examples/recording-basics.yaml")
EXAMPLE_COURSE = COURSE.read_text()
EXAMPLE_POLICY = resources.files("callwarden.policy").joinpath("examples/policy.yaml").read_text()


principal = principal_of  # the person behind a user row


@dataclass
class Org:
    db: Database
    people: dict[str, User]

    def who(self, username: str) -> Principal:
        return principal(self.people[username])


@pytest.fixture
def org(db: Database) -> Org:
    with clock.frozen_at(START):
        for name in ("alpha", "beta"):
            make_team(db, name)
        people = {
            "ada": make_user(db, "agent", "ada", "alpha"),
            "ben": make_user(db, "agent", "ben", "beta"),
            "sue": make_user(db, "supervisor", "sue", "alpha"),
            "aud": make_user(db, "auditor", "aud"),
            "olga": make_user(db, "compliance_officer", "olga"),
            "gone": make_user(db, "agent", "gone", "alpha"),
        }
        make_user(db, "integration", "pbx")
        with db.unit_of_work() as session:
            gone = session.get(User, people["gone"].id)
            assert gone is not None
            gone.disabled_at = START
    return Org(db, people)


def apply_policy(db: Database, text: str = EXAMPLE_POLICY) -> int:
    with db.unit_of_work() as session:
        return policies.apply(session, SYSTEM, text, "policy.yaml").version.version
