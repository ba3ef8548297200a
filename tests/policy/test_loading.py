"""Reading policy YAML: broken or hostile documents are refused with the line to look at."""

from __future__ import annotations

import re

import pytest

from callwarden.policy.loading import MAX_POLICY_BYTES, parse_policy
from callwarden.policy.problems import PolicyInvalid
from tests.support.policies import EXAMPLE_TEXT


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy(text, "draft.yaml")
    return [problem.describe("draft.yaml") for problem in refused.value.problems]


def test_example_parses() -> None:
    document = parse_policy(EXAMPLE_TEXT)
    assert document.organisation.startswith("Northwind")
    assert document.scope[0].id == "hr-line"


def test_syntax_error_names_the_line() -> None:
    text = "organisation: X\npurposes:\n  quality: {retention: {min: P1Y\n"
    [message] = problems_of(text)
    assert message.startswith("draft.yaml:")
    assert "YAML syntax error" in message


def test_unknown_key_names_the_path_and_line() -> None:
    text = EXAMPLE_TEXT.replace(
        "  on_withdrawal: stop_keep_prior", "  on_withdrawl: stop_keep_prior"
    )
    messages = problems_of(text)
    assert any(
        "consent.on_withdrawl" in m and "remove this key or correct its spelling" in m
        for m in messages
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "on_withdrawl" in row)
    assert any(m.startswith(f"draft.yaml:{line}:") for m in messages)


def test_bad_duration_is_reported_at_its_path() -> None:
    text = EXAMPLE_TEXT.replace(
        "retention: {min: P90D, max: P6M}", "retention: {min: 90 days, max: P6M}"
    )
    assert any("purposes.quality.retention.min" in m for m in problems_of(text))


def test_anchors_and_aliases_are_refused() -> None:
    bomb = "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    [message] = problems_of(bomb)
    assert "anchors and aliases are not allowed" in message


def test_python_tags_are_refused() -> None:
    messages = problems_of("organisation: !!python/object/apply:os.system ['true']\n")
    assert any("YAML" in m for m in messages)


def test_huge_documents_are_refused() -> None:
    [message] = problems_of("organisation: " + "x" * (MAX_POLICY_BYTES + 1))
    assert "larger than" in message


def test_not_a_mapping() -> None:
    [message] = problems_of("- just\n- a list\n")
    assert "must be a YAML mapping" in message


def test_missing_notice_choice_is_validated_and_defaults_to_keeping_with_a_violation() -> None:
    text = EXAMPLE_TEXT.replace("  missing_notice: keep_with_violation", "  missing_notice: shrug")
    messages = problems_of(text)
    assert any("consent.missing_notice" in m and "refuse" in m for m in messages), messages
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "missing_notice: shrug" in row)
    assert any(m.startswith(f"draft.yaml:{line}:") for m in messages)
    unset = EXAMPLE_TEXT.replace("  missing_notice: keep_with_violation", "")
    assert parse_policy(unset).consent.missing_notice == "keep_with_violation"
    chosen = EXAMPLE_TEXT.replace("missing_notice: keep_with_violation", "missing_notice: refuse")
    assert parse_policy(chosen).consent.missing_notice == "refuse"


@pytest.mark.parametrize(
    "text",
    [
        "organisation: " + "[" * 5000 + "]" * 5000,
        "organisation: " + "{a: " * 3000 + "b" + "}" * 3000,
        "organisation:\n" + "".join("  " * level + "- \n" for level in range(1, 200)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error(text: str) -> None:
    [message] = problems_of(text)
    assert "nests deeper than" in message
    assert re.match(r"draft\.yaml:\d+: ", message)


def test_an_alias_is_refused_at_its_own_line_before_anything_expands() -> None:
    bomb = "a: &a [x, x, x, x]\nb: [x,\n  *a, *a]\nc: [*a, *a]\n"
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy(bomb, "bomb.yaml")
    [problem] = refused.value.problems
    assert problem.line == 3 and "aliases are not allowed" in problem.message
