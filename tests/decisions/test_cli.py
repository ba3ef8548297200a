"""`callwarden decide` on the example policy: the five calls the issue names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from callwarden.cli import app

runner = CliRunner()
TX_AGENT = {"role": "agent", "jurisdiction": "US-TX"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("decide") / "var"
    environment = {"CALLWARDEN_DATA_DIR": str(data_dir)}
    assert runner.invoke(app, ["init"], env=environment).exit_code == 0
    return environment


def decide(env: dict[str, str], facts: dict[str, Any], *flags: str) -> tuple[int, str]:
    result = runner.invoke(app, ["decide", *flags], input=json.dumps(facts), env=env)
    return result.exit_code, result.output


def decide_json(env: dict[str, str], facts: dict[str, Any]) -> dict[str, Any]:
    code, output = decide(env, facts, "--json")
    assert code == 0, output
    body: dict[str, Any] = json.loads(output)
    return body


def test_californian_customer_to_texas_agent(env: dict[str, str]) -> None:
    facts = {
        "direction": "inbound",
        "queue": "support",
        "parties": [{"role": "customer", "number": "+14155550123"}, TX_AGENT],
    }
    body = decide_json(env, facts)
    assert (body["record"], body["governing_rule"], body["consent"]) == (
        "yes",
        "all-party",
        "implied",
    )
    code, text = decide(env, facts, "--explain")
    assert code == 0
    assert "RECORD" in text and "presumed" in text and "scope rule 'support' matched" in text
    assert "not legal advice" in text


def test_german_customer(env: dict[str, str]) -> None:
    body = decide_json(
        env,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "number": "+4989123456", "language": "de"}, TX_AGENT],
        },
    )
    assert body["record"] == "after_consent" and body["consent"] == "explicit"
    assert body["consent_prompt"]["language"] == "de"


def test_uk_customer_on_the_mifid_desk(env: dict[str, str]) -> None:
    body = decide_json(
        env,
        {
            "direction": "inbound",
            "queue": "trading",
            "parties": [
                {"role": "customer", "number": "+442079460000"},
                {"role": "agent", "jurisdiction": "GB"},
            ],
        },
    )
    assert body["scope_rule"] == "trading-desk" and body["retention_class"] == "regulatory_record"


def test_hr_line_call(env: dict[str, str]) -> None:
    body = decide_json(
        env,
        {
            "direction": "inbound",
            "line": "+15125550100",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    assert body["record"] == "no" and body["scope_rule"] == "hr-line"


def test_sales_call_sampled_out(env: dict[str, str]) -> None:
    outcomes = [
        decide_json(
            env,
            {
                "direction": "outbound",
                "queue": "sales",
                "call_id": f"S-{n}",
                "parties": [{"role": "customer", "number": "+12125550100"}, TX_AGENT],
            },
        )
        for n in range(12)
    ]
    sampled_out = [body for body in outcomes if body["record"] == "no"]
    assert sampled_out and all(body["scope_rule"] == "sales-sampled" for body in sampled_out)
    assert "not selected" in " ".join(sampled_out[0]["reasons"])


def test_draft_policy_is_tried_without_storing(env: dict[str, str], tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    text = (
        Path("examples/policy.yaml")
        .read_text()
        .replace("always_announce: true", "always_announce: false")
    )
    draft.write_text(text)
    code, output = decide(
        env,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-NY"}, TX_AGENT],
        },
        "--json",
        "--policy",
        str(draft),
    )
    assert code == 0 and json.loads(output)["notice"]["required"] is False


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"direction": "inbound", "parties": []}', "parties"),
        ('{"direction": "inbound", "parties": [{"role": "customer", "jurisdiction": "ZZ"}]}', "ZZ"),
    ],
)
def test_bad_facts_give_one_line(env: dict[str, str], stdin: str, message: str) -> None:
    result = runner.invoke(app, ["decide"], input=stdin, env=env)
    assert result.exit_code == 1
    assert result.output.startswith("error:") and message in result.output
