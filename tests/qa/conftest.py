"""A small organisation with recordings to sample: two teams, their agents, three reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.models import User
from callwarden.qa import service
from tests.support.bulk import load, new_row
from tests.support.factories import make_team, make_user, principal_of

START = datetime(2026, 11, 1, tzinfo=UTC)
EXAMPLE = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()


principal = principal_of  # the person behind a user row


@dataclass
class Org:
    officer: Principal
    agents: dict[str, User]
    reviewers: dict[str, User]
    teams: dict[str, str]
    scorecard_id: str
    private_id: str


@pytest.fixture
def org(db: Database) -> Org:
    teams = {name: make_team(db, name) for name in ("alpha", "beta")}
    agents = {
        "ada": make_user(db, "agent", "ada", "alpha"),
        "ben": make_user(db, "agent", "ben", "beta"),
    }
    reviewers = {
        "rae": make_user(db, "qa_reviewer", "rae", "alpha"),
        "rob": make_user(db, "qa_reviewer", "rob", "beta"),
        "roz": make_user(db, "qa_reviewer", "roz"),
    }
    rows = [
        new_row(
            i,
            START + timedelta(hours=i),
            agent_user_id=agents["ada" if i % 2 else "ben"].id,
            team_id=teams["alpha" if i % 2 else "beta"],
            queue="sales" if i % 3 else "support",
            extra={"jurisdictions": ["US-CA"] if i % 4 == 0 else ["US-NY"], "duration_s": 120.0},
        )
        for i in range(1, 41)
    ]
    rows.append(
        new_row(
            99,
            START + timedelta(hours=5),
            agent_user_id=agents["ada"].id,
            team_id=teams["alpha"],
            extra={"private": True, "jurisdictions": []},
        )
    )
    load(db, rows)
    officer = principal(make_user(db, "compliance_officer", "olga"))
    with db.unit_of_work() as session:
        card = service.add_scorecard(session, officer, EXAMPLE, "inbound.yaml")
        scorecard_id = card.id
    return Org(officer, agents, reviewers, teams, scorecard_id, rows[-1].recording_id)
