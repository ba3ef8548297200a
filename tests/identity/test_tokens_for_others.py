"""Nobody mints a token for another person; integrations get service identities instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.db import Database
from callwarden.identity import service
from callwarden.identity.principal import SYSTEM
from callwarden.kit.errors import Forbidden, InvalidInput
from tests.identity.conftest import audited, sign_in
from tests.support.factories import bearer, make_token, make_user

runner = CliRunner()


def test_an_admin_cannot_mint_a_token_for_a_person(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    make_user(db, "legal", "lee")
    answer = client.post("/v1/tokens", json={"name": "as lee", "user": "lee"}, headers=admin)
    assert answer.status_code == 403, answer.text
    assert "nobody may create a token for another person" in answer.json()["detail"]
    assert client.get("/v1/tokens?user=lee", headers=admin).json()["items"] == []


def test_nobody_mints_a_token_for_another_person_in_the_service(db: Database) -> None:
    make_user(db, "agent", "hank")
    with db.unit_of_work() as session, pytest.raises(Forbidden, match="another person"):
        service.create_token(session, SYSTEM, name="t", owner="hank")


def test_an_admin_issues_tokens_for_a_service_identity(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    created = client.post("/v1/service-identities", json={"name": "pbx"}, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "integration" and created.json()["is_service"] is True
    issued = client.post("/v1/tokens", json={"name": "phone system", "user": "pbx"}, headers=admin)
    assert issued.status_code == 201, issued.text
    pbx = bearer(issued.json()["token"])
    me = client.get("/v1/me", headers=pbx).json()
    assert me["actor"] == "user:pbx" and me["role"] == "integration"
    assert [action for action, _r, _d in audited(db, "service_identity.created")] == [
        "service_identity.created"
    ]


def test_only_admins_issue_service_identity_tokens(client: TestClient, db: Database) -> None:
    make_user(db, "integration", "pbx")
    officer = bearer(make_token(db, "compliance_officer"))
    answer = client.post("/v1/tokens", json={"name": "t", "user": "pbx"}, headers=officer)
    assert answer.status_code == 403


def test_a_service_identity_cannot_sign_in_and_people_are_not_integrations(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.post("/v1/service-identities", json={"name": "pbx"}, headers=admin)
    assert sign_in(client, "pbx", "anything at all").status_code == 401
    person = client.post(
        "/v1/users",
        json={"username": "pbx2", "role": "integration", "password": "x" * 12},
        headers=admin,
    )
    assert person.status_code == 422 and "service identities" in person.json()["detail"]


def test_a_person_creates_tokens_for_themselves(client: TestClient, db: Database) -> None:
    agent = bearer(make_token(db, "agent", "ann"))
    answer = client.post("/v1/tokens", json={"name": "laptop"}, headers=agent)
    assert answer.status_code == 201
    assert client.get("/v1/me", headers=bearer(answer.json()["token"])).json()["username"] == "ann"


def test_a_person_cannot_become_an_integration_by_role_change(db: Database) -> None:
    from callwarden.identity import accounts

    make_user(db, "agent", "ann")
    with db.unit_of_work() as session, pytest.raises(InvalidInput, match="service identities"):
        accounts.change_role(session, SYSTEM, "ann", "integration")


def test_the_cli_creates_tokens_for_service_identities_only(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    assert runner.invoke(app, ["users", "create", "lee", "--role", "legal"], env=env).exit_code == 0
    refused = runner.invoke(app, ["tokens", "create", "--user", "lee"], env=env, input="guess\n")
    assert refused.exit_code == 1, refused.output
    assert "cwt_" not in refused.output
    assert runner.invoke(app, ["users", "create-service", "pbx"], env=env).exit_code == 0
    issued = runner.invoke(app, ["tokens", "create", "--user", "pbx"], env=env)
    assert issued.exit_code == 0, issued.output
    assert "cwt_" in issued.output and "role integration" in issued.output
