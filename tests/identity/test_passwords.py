"""A password an administrator sets is temporary; people change their own; admins reset them."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.bootstrap import initialise
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from tests.identity.conftest import PASSWORD, audited, sign_in
from tests.support.factories import bearer

NEW_PASSWORD = "a much better passphrase"
runner = CliRunner()


def create_person(client: TestClient, admin: dict[str, str], username: str) -> None:
    body = {"username": username, "role": "agent", "password": PASSWORD}
    assert client.post("/v1/users", json=body, headers=admin).status_code == 201


def change(client: TestClient, token: str, current: str, new: str) -> int:
    body = {"current_password": current, "new_password": new}
    status: int = client.post("/v1/me/password", json=body, headers=bearer(token)).status_code
    return status


def test_a_password_set_by_an_admin_only_allows_changing_it(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    create_person(client, admin, "ann")
    first = sign_in(client, "ann", PASSWORD)
    assert first.status_code == 201, first.text
    assert first.json()["password_change_required"] is True
    temporary = bearer(first.json()["token"])
    for method, path in [("GET", "/v1/me"), ("GET", "/v1/recordings"), ("GET", "/v1/tokens")]:
        refused = client.request(method, path, headers=temporary)
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "password_change_required"
        assert "POST /v1/me/password" in refused.json()["detail"]
    made = client.post("/v1/tokens", json={"name": "escape"}, headers=temporary)
    assert made.status_code == 403

    assert change(client, first.json()["token"], "not the password", NEW_PASSWORD) == 401
    assert change(client, first.json()["token"], PASSWORD, NEW_PASSWORD) == 200
    # The change-only token has done its work; the old password is gone.
    assert change(client, first.json()["token"], NEW_PASSWORD, "yet another passphrase") == 401
    assert sign_in(client, "ann", PASSWORD).status_code == 401
    second = sign_in(client, "ann", NEW_PASSWORD)
    assert second.json()["password_change_required"] is False
    assert client.get("/v1/me", headers=bearer(second.json()["token"])).status_code == 200
    changed = audited(db, "user.password_changed")
    assert [(a, d["username"], d["was_temporary"]) for a, _r, d in changed] == [
        ("user.password_changed", "ann", True)
    ]


def test_people_change_their_own_password_any_time(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    create_person(client, admin, "bea")
    change(client, sign_in(client, "bea", PASSWORD).json()["token"], PASSWORD, NEW_PASSWORD)
    token = sign_in(client, "bea", NEW_PASSWORD).json()["token"]
    assert change(client, token, NEW_PASSWORD, "short") == 422
    assert change(client, token, NEW_PASSWORD, "the third passphrase") == 200
    assert (
        sign_in(client, "bea", "the third passphrase").json()["password_change_required"] is False
    )


def test_an_admin_reset_is_temporary_again_and_audited(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    create_person(client, admin, "cy")
    change(client, sign_in(client, "cy", PASSWORD).json()["token"], PASSWORD, NEW_PASSWORD)
    reset = client.post("/v1/users/cy/password", json={"reason": "forgotten"}, headers=admin)
    assert reset.status_code == 200, reset.text
    temporary = reset.json()["temporary_password"]
    assert sign_in(client, "cy", NEW_PASSWORD).status_code == 401
    assert sign_in(client, "cy", temporary).json()["password_change_required"] is True
    assert [(a, r) for a, r, _d in audited(db, "user.password_reset")] == [
        ("user.password_reset", "forgotten")
    ]
    agent = bearer(sign_in(client, "cy", temporary).json()["token"])
    assert client.post("/v1/users/cy/password", json={}, headers=agent).status_code == 403


def test_a_disabled_user_is_enabled_again(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    create_person(client, admin, "dee")
    assert client.post("/v1/users/dee/disable", json={}, headers=admin).status_code == 200
    assert sign_in(client, "dee", PASSWORD).status_code == 401
    enabled = client.post("/v1/users/dee/enable", json={"reason": "back"}, headers=admin)
    assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
    assert sign_in(client, "dee", PASSWORD).status_code == 201
    assert client.post("/v1/users/dee/enable", json={}, headers=admin).status_code == 409
    assert [a for a, _r, _d in audited(db, "user.enabled")] == ["user.enabled"]


def test_the_first_admin_signs_in_and_changes_the_one_time_password(tmp_path: Path) -> None:
    """What `make run` leads to: init prints a temporary password the admin then replaces."""
    settings = Settings(data_dir=tmp_path / "var", log_format="text", log_level="warning")
    report = initialise(settings)
    assert report.admin_password
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        first = sign_in(client, "admin", report.admin_password)
        assert first.status_code == 201 and first.json()["password_change_required"] is True
        assert change(client, first.json()["token"], report.admin_password, NEW_PASSWORD) == 200
        token = sign_in(client, "admin", NEW_PASSWORD).json()["token"]
        assert client.get("/v1/users", headers=bearer(token)).status_code == 200


def test_the_cli_changes_and_resets_passwords_and_enables_users(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    init = runner.invoke(app, ["init"], env=env)
    temporary = re.findall(r"\b[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){3}\b", init.output)[0]
    early = runner.invoke(app, ["tokens", "create", "--user", "admin"], env=env, input=temporary)
    assert early.exit_code == 1 and "temporary" in early.output and "cwt_" not in early.output
    wrong = runner.invoke(
        app,
        ["users", "change-password", "admin"],
        env=env,
        input=f"wrong\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert wrong.exit_code == 1 and "current password is wrong" in wrong.output
    changed = runner.invoke(
        app,
        ["users", "change-password", "admin"],
        env=env,
        input=f"{temporary}\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert changed.exit_code == 0, changed.output
    token = runner.invoke(
        app, ["tokens", "create", "--user", "admin"], env=env, input=f"{NEW_PASSWORD}\n"
    )
    assert token.exit_code == 0 and "cwt_" in token.output, token.output
    reset = runner.invoke(app, ["users", "reset-password", "admin"], env=env)
    assert reset.exit_code == 0 and "temporary password for admin" in reset.output
    assert runner.invoke(app, ["users", "create", "eve", "--role", "agent"], env=env).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "eve"], env=env).exit_code == 0
    assert runner.invoke(app, ["users", "enable", "eve"], env=env).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--json"], env=env).output
    assert '"disabled_at": null' in listed


def test_a_reset_cuts_off_the_tokens_the_account_already_had(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    create_person(client, admin, "dee")
    change(client, sign_in(client, "dee", PASSWORD).json()["token"], PASSWORD, NEW_PASSWORD)
    held = bearer(sign_in(client, "dee", NEW_PASSWORD).json()["token"])
    assert client.get("/v1/me", headers=held).status_code == 200
    assert client.post("/v1/users/dee/password", json={}, headers=admin).status_code == 200
    assert client.get("/v1/me", headers=held).status_code == 401
    [(_action, _reason, data)] = audited(db, "user.password_reset")
    assert data["tokens_revoked"] == 1
