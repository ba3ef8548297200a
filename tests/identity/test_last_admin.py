"""The last active administrator cannot be disabled, by itself or anyone, or lose its role."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.db import Database
from callwarden.identity import accounts
from callwarden.identity.principal import SYSTEM
from callwarden.kit.errors import Conflict
from tests.identity.conftest import audited
from tests.support.factories import bearer, make_token, make_user, token_for


def test_the_last_admin_cannot_disable_itself(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    answer = client.post("/v1/users/root/disable", json={}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert answer.json()["reason"] == "last_active_admin"
    assert "no active administrator" in answer.json()["detail"]
    assert client.get("/v1/me", headers=admin).status_code == 200
    assert audited(db, "user.disabled") == []


def test_the_last_admin_cannot_lose_its_role(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    answer = client.post("/v1/users/root/role", json={"role": "auditor"}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert [u["role"] for u in client.get("/v1/users", headers=admin).json()["items"]] == ["admin"]


def test_with_two_admins_one_may_go_but_not_both(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    make_user(db, "admin", "second")
    make_user(db, "admin", "gone")
    accounts_before = client.post("/v1/users/gone/disable", json={}, headers=admin)
    assert accounts_before.status_code == 200  # a disabled admin does not count
    assert (
        client.post("/v1/users/second/role", json={"role": "auditor"}, headers=admin).status_code
        == 200
    )
    assert client.post("/v1/users/root/disable", json={}, headers=admin).status_code == 409
    changed = audited(db, "user.role_changed")
    assert [(d["from"], d["to"]) for _a, _r, d in changed] == [("admin", "auditor")]


def test_another_admin_cannot_disable_the_last_active_one(db: Database) -> None:
    make_user(db, "admin", "only")
    with db.unit_of_work() as session, pytest.raises(Conflict, match="no active administrator"):
        accounts.disable_user(session, SYSTEM, "only")


def test_a_role_change_is_refused_for_non_admins(client: TestClient, db: Database) -> None:
    make_user(db, "agent", "ann")
    officer = bearer(make_token(db, "compliance_officer"))
    answer = client.post("/v1/users/ann/role", json={"role": "supervisor"}, headers=officer)
    assert answer.status_code == 403


def test_the_cli_refuses_to_disable_the_last_admin(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    refused = runner.invoke(app, ["users", "disable", "admin"], env=env)
    assert refused.exit_code == 1 and "no active administrator" in refused.output
    demoted = runner.invoke(app, ["users", "set-role", "admin", "agent"], env=env)
    assert demoted.exit_code == 1 and "no active administrator" in demoted.output


def test_two_admins_disabling_each_other_at_once_leave_one(db: Database) -> None:
    """The check counts what the other transaction committed: the audit lock orders them."""
    import threading

    from callwarden.identity.principal import Principal
    from callwarden.identity.roles import Role

    first, second = make_user(db, "admin", "first"), make_user(db, "admin", "second")
    holding = threading.Event()
    release = threading.Event()
    outcomes: dict[str, str] = {}

    def disable(actor_name: str, actor_id: str, target: str, hold: bool) -> None:
        actor = Principal(actor=f"user:{actor_name}", role=Role.ADMIN, user_id=actor_id)
        try:
            with db.unit_of_work() as session:
                accounts.disable_user(session, actor, target)
                if hold:
                    holding.set()
                    release.wait(10)
            outcomes[target] = "disabled"
        except Conflict:
            outcomes[target] = "refused"

    one = threading.Thread(target=disable, args=("first", first.id, "second", True))
    one.start()
    assert holding.wait(10)
    other = threading.Thread(target=disable, args=("second", second.id, "first", False))
    other.start()
    other.join(0.5)  # most often still waiting for the first transaction's lock
    release.set()
    one.join(10)
    other.join(10)
    assert sorted(outcomes.values()) == ["disabled", "refused"]


def test_a_changed_role_takes_effect_at_once_not_when_old_tokens_expire(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    demoted = make_user(db, "admin", "demoted")
    held = bearer(token_for(db, demoted))
    assert client.get("/v1/users", headers=held).status_code == 200
    moved = client.post("/v1/users/demoted/role", json={"role": "agent"}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert client.get("/v1/users", headers=held).status_code == 401
    [(_action, _reason, data)] = audited(db, "user.role_changed")
    assert data["tokens_revoked"] == 1
