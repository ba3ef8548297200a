"""The report through the API and the CLI: the JSON, problem answers on bad periods, refusals,
and the file written by `callwarden report compliance`."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.reports.conftest import NOW, Scenario
from tests.support.factories import bearer, make_token

FORTNIGHT = {"from": "2026-11-04", "to": "2026-11-17"}


def test_the_report_through_the_api(client: TestClient, db: Database, scenario: Scenario) -> None:
    auditor = bearer(make_token(db, "auditor"))
    with clock.frozen_at(NOW):
        answer = client.get("/v1/reports/compliance", params=FORTNIGHT, headers=auditor)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["period_start"] == "2026-11-04T00:00:00+00:00"
    assert report["period_end"] == "2026-11-18T00:00:00+00:00"  # the last day is inclusive
    assert report["calls"] == 5 and report["indicators"][0]["rate"]["n"] == 4
    as_json = client.get(
        "/v1/reports/compliance", params={**FORTNIGHT, "format": "json"}, headers=auditor
    )
    assert as_json.status_code == 200


def test_bad_periods_are_problems_and_other_roles_are_refused(
    client: TestClient, db: Database
) -> None:
    auditor = bearer(make_token(db, "auditor"))
    path = "/v1/reports/compliance"
    for params, says in (
        ({"from": "2026-11-30", "to": "2026-11-01"}, "must end after it starts"),
        ({"from": "2025-01-01", "to": "2026-06-30"}, "at most 366 days"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "is not a date"),
    ):
        answer = client.get(path, params=params, headers=auditor)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert says in answer.json()["detail"]
    malformed = client.get(path, params={"from": "1 Nov", "to": "2026-11-30"}, headers=auditor)
    assert malformed.status_code == 422
    assert malformed.headers["content-type"].startswith("application/problem+json")
    unknown = client.get(path, params={**FORTNIGHT, "format": "docx"}, headers=auditor)
    assert unknown.status_code == 422
    agent = bearer(make_token(db, "agent"))
    refused = client.get(path, params=FORTNIGHT, headers=agent)
    assert refused.status_code == 403 and "reports.read" in refused.json()["detail"]
    empty = client.get(path, params={"from": "2026-01-01", "to": "2026-01-31"}, headers=auditor)
    assert empty.status_code == 200 and empty.json()["empty"] is True


def test_the_report_from_the_shell(
    settings: Settings, db: Database, scenario: Scenario, tmp_path: Path
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    target = tmp_path / "out" / "report.json"
    args = ["report", "compliance", "--from", "2026-11-04", "--to", "2026-11-17"]
    with clock.frozen_at(NOW):
        made = runner.invoke(cli, [*args, "--format", "json", "-o", str(target)], env=env)
    assert made.exit_code == 0, made.output
    assert f"wrote {target}" in made.output and "5 calls" in made.output
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["calls"] == 5 and written["chain"]["verified"] is True
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary left

    backwards = runner.invoke(
        cli, ["report", "compliance", "--from", "2026-11-17", "--to", "2026-11-04", "-o", "x"],
        env=env,
    )  # fmt: skip
    assert backwards.exit_code == 1
    assert backwards.output.strip().splitlines() == [
        "error: the report's period must end after it starts (--to before --from?)"
    ]
    docx = runner.invoke(cli, [*args, "--format", "docx", "-o", str(target)], env=env)
    assert docx.exit_code == 1 and "no report format 'docx'" in docx.output
    assert json.loads(target.read_text(encoding="utf-8"))["calls"] == 5  # the file untouched
