"""Moving a person to another team, on both databases: audited with where from and where to,
the new team's courses assigned in the same transaction (once, however often they move back
and forth), an unknown team and a non-administrator refused with nothing written; through the
service, the API, the CLI and the console's account page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import accounts
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import Forbidden, InvalidInput
from callwarden.models import TrainingAssignment, User
from callwarden.training import service as training
from tests.identity.conftest import audited
from tests.support.console import make_person
from tests.support.factories import bearer, make_team, make_token, make_user
from tests.web.recording_data import csrf_of, signed_in

BETA_COURSE = """id: beta-desk
title: The beta desk
version: 1
audience:
  teams: [beta]
completion_window: P14D
modules:
  - id: intro
    title: Intro
    content: How the beta desk takes its calls.
"""
OFFICER = Principal("setup", Role.COMPLIANCE_OFFICER)


def _org(db: Database) -> User:
    """Teams alpha and beta, ben on beta (the course needs an audience), the course for beta
    published, and ada on alpha: the person who moves."""
    make_team(db, "alpha")
    make_team(db, "beta")
    make_user(db, "agent", "ben", "beta")
    with db.unit_of_work() as session:
        training.publish_course(session, OFFICER, BETA_COURSE)
    return make_user(db, "agent", "ada", "alpha")


def _courses_of(db: Database, user_id: str) -> list[tuple[str, int, str]]:
    with db.reading() as session:
        rows = session.execute(
            select(
                TrainingAssignment.subject, TrainingAssignment.round, TrainingAssignment.reason
            ).where(TrainingAssignment.user_id == user_id)
        )
        return [(s.split(":")[0], r, reason) for s, r, reason in rows if s.startswith("course:")]


def _team_of(db: Database, user_id: str) -> str | None:
    with db.reading() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.team.name if user.team is not None else None


def _move(db: Database, username: str, team: str | None, who: Principal = SYSTEM) -> None:
    with db.unit_of_work() as session:
        accounts.change_team(session, who, username, team, "reorganised")


def test_joining_a_team_assigns_its_courses_once(db: Database) -> None:
    ada = _org(db)
    assert _courses_of(db, ada.id) == []  # alpha is not the course's audience
    _move(db, "ada", "beta")
    assert _team_of(db, ada.id) == "beta"
    assert _courses_of(db, ada.id) == [("course", 1, "joined_team")]
    _move(db, "ada", "alpha")
    _move(db, "ada", "beta")  # back again: the same round is not assigned twice
    assert _courses_of(db, ada.id) == [("course", 1, "joined_team")]
    _move(db, "ada", "beta")  # already there: nothing changes, nothing is audited
    _move(db, "ada", None)
    assert _team_of(db, ada.id) is None
    changes = audited(db, "user.team_changed")
    assert [(data["from"], data["to"]) for _, _, data in changes] == [
        ("alpha", "beta"),
        ("beta", "alpha"),
        ("alpha", "beta"),
        ("beta", None),
    ]
    assert {reason for _, reason, _ in changes} == {"reorganised"}
    assigned = [
        data
        for _, _, data in audited(db, "training.assigned")
        if data["reason"] == "joined_team" and any("course:" in s for s in data["subjects"])
    ]
    assert len(assigned) == 1  # ada's first move to beta (ben had it on publication)


def test_refusals_write_nothing(db: Database) -> None:
    ada = _org(db)
    with pytest.raises(InvalidInput, match="unknown team 'gamma'"):
        _move(db, "ada", "gamma")
    agent = Principal("user:ben", Role.AGENT, user_id="usr_ben")
    with pytest.raises(Forbidden, match=r"users\.manage"):
        _move(db, "ada", "beta", agent)
    pbx = make_user(db, "integration", "pbx")
    with pytest.raises(InvalidInput, match="service identity"):
        _move(db, pbx.username, "beta")
    assert _team_of(db, ada.id) == "alpha" and _courses_of(db, ada.id) == []
    assert audited(db, "user.team_changed") == []


def test_the_api_moves_a_person(client: TestClient, db: Database) -> None:
    ada = _org(db)
    admin = bearer(make_token(db, "admin", "root"))
    moved = client.post("/v1/users/ada/team", json={"team": "beta"}, headers=admin)
    assert moved.status_code == 200, moved.text
    with db.reading() as session:
        beta = session.execute(select(User.team_id).where(User.username == "ben")).scalar_one()
    assert moved.json()["team_id"] == beta
    assert _courses_of(db, ada.id) == [("course", 1, "joined_team")]
    unknown = client.post("/v1/users/ada/team", json={"team": "gamma"}, headers=admin)
    assert unknown.status_code == 422 and "unknown team 'gamma'" in unknown.json()["detail"]
    supervisor = bearer(make_token(db, "supervisor", "sue", "beta"))
    refused = client.post("/v1/users/ada/team", json={"team": None}, headers=supervisor)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "users.manage" in refused.json()["detail"]
    cleared = client.post("/v1/users/ada/team", json={"team": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["team_id"] is None


def test_the_cli_moves_a_person(settings: Settings, db: Database, tmp_path: Path) -> None:
    ada = _org(db)
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    moved = runner.invoke(cli, ["users", "set-team", "ada", "beta"], env=env)
    assert moved.exit_code == 0 and "ada is now on team beta" in moved.output, moved.output
    assert _courses_of(db, ada.id) == [("course", 1, "joined_team")]
    unknown = runner.invoke(cli, ["users", "set-team", "ada", "gamma"], env=env)
    assert unknown.exit_code == 1 and len(unknown.output.strip().splitlines()) == 1
    assert "unknown team 'gamma'" in unknown.output
    neither = runner.invoke(cli, ["users", "set-team", "ada"], env=env)
    both = runner.invoke(cli, ["users", "set-team", "ada", "beta", "--none"], env=env)
    assert neither.exit_code == both.exit_code == 1 and "--none" in neither.output
    cleared = runner.invoke(cli, ["users", "set-team", "ada", "--none"], env=env)
    assert cleared.exit_code == 0 and "ada is on no team" in cleared.output
    assert _team_of(db, ada.id) is None


def test_the_console_moves_a_person(client: TestClient, db: Database) -> None:
    ada = _org(db)
    make_person(db, "admin", "root")
    make_person(db, "compliance_officer", "olga")
    root = signed_in(client.app, "root")
    page = root.get("/admin/users/ada").text
    assert '<option value="beta">beta</option>' in page and "Change team" in page
    token = csrf_of(root, "/admin/users/ada")
    moved = root.post(
        "/admin/users/ada/team", data={"team": "beta", "reason": "desk", "csrf_token": token}
    )
    assert moved.status_code == 200 and "the training its audience takes" in moved.text
    assert '<option value="beta" selected>beta</option>' in moved.text
    assert _courses_of(db, ada.id) == [("course", 1, "joined_team")]
    unknown = root.post("/admin/users/ada/team", data={"team": "gamma", "csrf_token": token})
    assert unknown.status_code == 422 and "unknown team" in unknown.text
    olga = signed_in(client.app, "olga")  # reads users, manages none
    assert "Change team" not in olga.get("/admin/users/ada").text
    refused = olga.post(
        "/admin/users/ada/team",
        data={"team": "", "csrf_token": csrf_of(olga, "/admin/users/ada")},
    )
    assert refused.status_code == 403 and _team_of(db, ada.id) == "beta"
    cleared = root.post("/admin/users/ada/team", data={"team": "", "csrf_token": token})
    assert cleared.status_code == 200 and _team_of(db, ada.id) is None
