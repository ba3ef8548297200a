"""Team, user and token names with NUL, control or bidirectional-override characters are refused
by the API and the CLI (the validator itself: tests/kit/test_text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app
from tests.kit.test_text import HOSTILE


@pytest.mark.parametrize("name", [n for n in HOSTILE if n])
def test_the_api_refuses_hostile_team_and_display_names(
    client: TestClient, admin: dict[str, str], name: str
) -> None:
    team = client.post("/v1/teams", json={"name": name}, headers=admin)
    assert team.status_code == 422, team.text
    assert team.headers["content-type"] == "application/problem+json"
    user = client.post(
        "/v1/users",
        json={"username": "zed", "role": "agent", "display_name": name},
        headers=admin,
    )
    assert user.status_code == 422, user.text
    assert client.get("/v1/teams", headers=admin).json()["items"] == []
    assert [u["username"] for u in client.get("/v1/users", headers=admin).json()["items"]] == [
        "root"
    ]


def test_the_api_refuses_a_nul_in_a_username(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.post("/v1/users", json={"username": "ze\x00d", "role": "agent"}, headers=admin)
    assert answer.status_code == 422


def test_the_api_refuses_hostile_token_names(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.post("/v1/tokens", json={"name": "laptop\u202e"}, headers=admin)
    assert answer.status_code == 422, answer.text


def test_the_cli_refuses_hostile_names(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    team = runner.invoke(app, ["teams", "create", "East\u202e"], env=env)
    assert team.exit_code == 1
    assert "bidirectional-override" in team.output and "U+202E" in team.output
    user = runner.invoke(
        app, ["users", "create", "zed", "--role", "agent", "--name", "Zed\x07"], env=env
    )
    assert user.exit_code == 1 and "display name" in user.output
    assert "zed" not in runner.invoke(app, ["users", "list", "--json"], env=env).output
