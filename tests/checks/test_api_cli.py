"""The checks through the API and the CLI: run, list, read, work a finding; refusals."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.roles import Role
from callwarden.kit import clock
from tests.checks.conftest import DAY
from tests.support import bulk
from tests.support.factories import bearer, make_token

Seed = Callable[..., bulk.Row]


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def people(db: Database) -> dict[str, dict[str, str]]:
    headers = {}
    for name, role in (("cora", Role.COMPLIANCE_OFFICER), ("audra", Role.AUDITOR),
                       ("adam", Role.ADMIN), ("sue", Role.SUPERVISOR)):  # fmt: skip
        headers[name] = bearer(make_token(db, role.value, name))
    return headers


def test_a_run_and_its_findings_through_the_api(
    api: TestClient, people: dict[str, dict[str, str]], seed: Seed
) -> None:
    overdue = seed(dispose_by=DAY - timedelta(days=3))
    body = {"start": f"{DAY:%Y-%m-%d}T00:00:00Z", "end": f"{DAY:%Y-%m-%d}T23:00:00Z"}
    assert api.post("/v1/checks/runs", json=body, headers=people["audra"]).status_code == 403
    made = api.post("/v1/checks/runs", json={**body, "checks": ["retention"]},
                    headers=people["adam"])  # fmt: skip
    assert made.status_code == 201, made.text
    run = made.json()
    assert run["counts"] == {"high": 1} and run["errors"] == {}
    unknown = api.post("/v1/checks/runs", json={"checks": ["nope"]}, headers=people["cora"])
    assert unknown.status_code == 422 and "no check named nope" in unknown.text
    listed = api.get("/v1/checks/runs", headers=people["audra"]).json()["items"]
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    assert api.get(f"/v1/checks/runs/{run['run_id']}", headers=people["audra"]).status_code == 200
    assert api.get("/v1/checks/runs/chk_nope", headers=people["audra"]).status_code == 404
    assert api.get("/v1/checks/runs", headers=people["sue"]).status_code == 403
    names = [c["name"] for c in api.get("/v1/checks", headers=people["audra"]).json()]
    assert {"consent", "notice_audio", "retention", "secure_pause"} <= set(names)
    found = api.get("/v1/checks/findings", params={"check": "retention", "status": "open"},
                    headers=people["audra"]).json()["items"]  # fmt: skip
    assert [f["evidence"]["recordings"] for f in found] == [[overdue.recording_id]]
    finding_id = found[0]["finding_id"]
    path = f"/v1/checks/findings/{finding_id}"
    reason = {"reason": "<b>sweep</b> was stopped"}
    assert api.post(f"{path}/acknowledge", json=reason, headers=people["adam"]).status_code == 403
    acked = api.post(f"{path}/acknowledge", json=reason, headers=people["cora"])
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    again = api.post(f"{path}/acknowledge", json=reason, headers=people["cora"])
    assert again.status_code == 409
    expires = (clock.now() + timedelta(days=10)).isoformat()
    accepted = api.post(f"{path}/accept-risk", json={**reason, "expires_at": expires},
                        headers=people["cora"])  # fmt: skip
    assert accepted.json()["status"] == "accepted_risk"
    assert accepted.json()["risk_expires_at"] is not None
    done = api.post(f"{path}/resolve", json={"reason": "swept"}, headers=people["cora"])
    assert done.json()["status"] == "resolved"
    assert api.get(path, headers=people["audra"]).json()["status_reason"] == "swept"


def test_checks_from_the_shell(settings: Settings, db: Database, seed: Seed) -> None:
    seed(dispose_by=DAY - timedelta(days=3))
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    listed = runner.invoke(cli, ["checks", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "secure_pause" in [c["name"] for c in json.loads(listed.output)]
    day = f"{DAY:%Y-%m-%d}"
    ran = runner.invoke(
        cli, ["checks", "run", "--check", "retention", "--from", day, "--to", day], env=env
    )
    assert ran.exit_code == 0, ran.output
    assert "retention" in ran.output and "1 high" in ran.output
    bad = runner.invoke(cli, ["checks", "run", "--check", "nope"], env=env)
    assert bad.exit_code != 0 and "no check named nope" in bad.output
    found = runner.invoke(cli, ["checks", "findings", "--status", "open", "--json"], env=env)
    assert found.exit_code == 0, found.output
    assert [f["check"] for f in json.loads(found.output)["items"]] == ["retention"]
