"""A duplicate key in a policy is an error naming its line, at every level; nothing is applied.

YAML itself lets the last of two equal keys win silently. A policy is a legal document: two
`on_decline` settings, or two notices for one language, must be settled by a person.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.db import Database
from callwarden.models import PolicyVersion
from callwarden.policy.loading import parse_policy
from callwarden.policy.problems import PolicyInvalid
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT


def _line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    hits = [number for number, row in enumerate(text.splitlines(), 1) if fragment in row]
    return hits[occurrence - 1]


def _with_duplicate(after: str, duplicate: str) -> str:
    """The example with `duplicate` inserted on the line after the first line holding `after`."""
    rows = EXAMPLE_TEXT.splitlines()
    at = _line_of(EXAMPLE_TEXT, after)
    return "\n".join([*rows[:at], duplicate, *rows[at:]]) + "\n"


TOP_LEVEL = _with_duplicate("organisation: Northwind", "organisation: Someone Else")
NESTED = _with_duplicate("  on_decline: continue_unrecorded", "  on_decline: end_call")
DEEP = _with_duplicate("      id: notice-en-v3", "      id: notice-en-v4")
IN_A_LIST = _with_duplicate("  - id: hr-line", "    id: hr-line-2")
FLOW = EXAMPLE_TEXT.replace(
    "retention: {min: P90D, max: P6M}", "retention: {min: P90D, max: P6M, min: P1D}"
)


@pytest.mark.parametrize(
    ("text", "key", "fragment", "occurrence"),
    [
        (TOP_LEVEL, "organisation", "organisation: Someone Else", 1),
        (NESTED, "consent.on_decline", "on_decline: end_call", 1),
        (DEEP, "scripts.en.notice.id", "id: notice-en-v4", 1),
        (IN_A_LIST, "scope[0].id", "id: hr-line-2", 1),
        (FLOW, "purposes.quality.retention.min", "min: P1D", 1),
    ],
)
def test_a_duplicate_key_is_an_error_naming_its_line(
    text: str, key: str, fragment: str, occurrence: int
) -> None:
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy(text, "draft.yaml")
    [problem] = refused.value.problems
    assert problem.severity == "error"
    assert problem.path == key
    assert "duplicate key" in problem.message
    assert problem.line == _line_of(text, fragment, occurrence)
    assert f"draft.yaml:{problem.line}:" in str(refused.value.detail)


def test_keys_equal_once_read_are_duplicates_too() -> None:
    """`yes` and `true` are the same key once YAML reads them."""
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy("organisation: X\nlaw_overrides: []\ntrue: 1\nyes: 2\n", "draft.yaml")
    [problem] = refused.value.problems
    assert "duplicate key" in problem.message and problem.line == 4


def test_policy_validate_cli_names_the_line(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(NESTED, encoding="utf-8")
    result = CliRunner().invoke(app, ["policy", "validate", str(draft)])
    assert result.exit_code == 1
    line = _line_of(NESTED, "on_decline: end_call")
    assert f"{draft}:{line}: error: consent.on_decline: duplicate key" in result.stdout


def test_the_api_refuses_to_apply_it_and_stores_nothing(client: TestClient, db: Database) -> None:
    headers = bearer(make_token(db, "compliance_officer"))
    response = client.post(
        "/v1/policy/versions", json={"document": DEEP, "source": "draft.yaml"}, headers=headers
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "policy_invalid"
    [problem] = body["problems"]
    assert problem["path"] == "scripts.en.notice.id"
    assert problem["line"] == _line_of(DEEP, "id: notice-en-v4")
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(PolicyVersion)).scalar_one() == 0
