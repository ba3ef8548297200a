"""QA through the API and the command line: the same rules, the same answers."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from tests.qa.conftest import EXAMPLE, Org
from tests.support.factories import bearer, token_for
from tests.support.problems import assert_problem

PERIOD = {"period_from": "2026-11-01T00:00:00Z", "period_to": "2026-11-04T00:00:00Z"}
ANSWERS = [
    {"question": "notice_read", "answer": "no", "at_s": 3.5, "comment": "<script>x</script>"},
    {"question": "consent_before_recording", "answer": "yes"},
    {"question": "greeting", "answer": "yes"},
    {"question": "identity_checked", "answer": "yes"},
    {"question": "understanding", "answer": 3},
    {"question": "resolution", "answer": 5},
    {"question": "summary_given", "answer": "yes"},
]


def test_plan_evaluate_acknowledge_and_rates_over_http(
    client: TestClient, db: Database, org: Org
) -> None:
    from tests.support.factories import make_user

    lead = bearer(token_for(db, make_user(db, "compliance_officer", "lead")))
    bad = client.post(
        "/v1/qa/scorecards", headers=lead, json={"document": EXAMPLE.replace("15", "14", 1)}
    )
    problem = assert_problem(bad, 422, "scorecard_invalid")
    assert problem["problems"][0]["path"] == "sections" and problem["problems"][0]["line"]
    too_big = client.post(
        "/v1/qa/plans", headers=lead, json={**PERIOD, "size": 41, "scorecard": "inbound-service"}
    )
    assert "41" in assert_problem(too_big, 422, "plan_too_large")["detail"]
    made = client.post(
        "/v1/qa/plans",
        headers=lead,
        json={**PERIOD, "size": 10, "seed": 4, "scorecard": "inbound-service"},
    )
    assert made.status_code == 201, made.text
    plan = made.json()
    assert plan["population"] == 40 and plan["seed"] == 4

    reviewer = bearer(token_for(db, org.reviewers["roz"]))
    queue = client.get("/v1/qa/evaluations", headers=reviewer).json()
    assert queue and {row["state"] for row in queue} == {"assigned"}
    first = queue[0]
    submitted = client.post(
        f"/v1/qa/evaluations/{first['evaluation_id']}/submit",
        headers=reviewer,
        json={"answers": ANSWERS},
    )
    assert submitted.status_code == 200, submitted.text
    assert (
        submitted.json()["passed"] is False and submitted.json()["score"] == 77.0
    )  # 100 less 15 (notice) and 8 (3 of 5)
    # Another reviewer's token answers as if it did not exist.
    other = bearer(token_for(db, org.reviewers["rae"]))
    hidden = client.get(f"/v1/qa/evaluations/{first['evaluation_id']}", headers=other)
    if first["reviewer_user_id"] != org.reviewers["rae"].id:
        assert_problem(hidden, 404, "not_found")

    agent = next(u for u in org.agents.values() if u.id == first["agent_user_id"])
    mine = bearer(token_for(db, agent))
    assert [
        row["evaluation_id"] for row in client.get("/v1/qa/evaluations", headers=mine).json()
    ] == [first["evaluation_id"]]
    path = f"/v1/qa/evaluations/{first['evaluation_id']}/acknowledge"
    assert client.post(path, headers=mine, json={"comment": "read it"}).status_code == 200
    assert_problem(client.post(path, headers=mine, json={}), 409, "conflict")

    shown = client.get(f"/v1/qa/plans/{plan['plan_id']}", headers=lead).json()
    notice = next(rate for rate in shown["rates"] if rate["question"] == "notice_read")
    assert (notice["passes"], notice["n"]) == (0, 1)
    assert notice["described"] == "0.0% (95% CI 0.0–79.3%, n=1)"


def test_the_command_line_adds_cards_and_plans_with_a_seed(
    settings: Settings, db: Database, org: Org, tmp_path: Path
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    card = tmp_path / "card.yaml"
    card.write_text(EXAMPLE.replace("weight: 20", "weight: 25", 1))
    refused = runner.invoke(cli, ["qa", "scorecard", "add", str(card)], env=env)
    assert refused.exit_code == 1 and "add up to 105, not 100" in refused.output
    card.write_text(EXAMPLE)
    added = runner.invoke(cli, ["qa", "scorecard", "add", str(card)], env=env)
    assert added.exit_code == 0 and "version 2" in added.output, added.output
    args = ["qa", "plan", "create", "--from", "2026-11-01", "--to", "2026-11-04", "--json"]
    runs = [
        json.loads(runner.invoke(cli, [*args, "--size", "8", "--seed", "11"], env=env).output)
        for _ in range(2)
    ]
    assert runs[0]["strata"] == runs[1]["strata"] and runs[0]["seed"] == 11
    big = runner.invoke(cli, [*args, "--size", "400"], env=env)
    assert big.exit_code == 1 and "400" in big.output and "40" in big.output
    shown = runner.invoke(cli, ["qa", "plan", "show", runs[0]["plan_id"]], env=env)
    assert shown.exit_code == 0 and "notice_read: no sample (n=0)" in shown.output
