"""The policy's `retention:` section: which moment the sweep takes, checked and shown to staff."""

from __future__ import annotations

import pytest

from callwarden.policy.loading import parse_policy
from callwarden.policy.problems import PolicyInvalid
from callwarden.policy.render import render
from tests.support.policies import EXAMPLE_TEXT

CHOSEN = "  dispose_at: earliest                # or latest: keep until the shortest limit runs out"


def test_the_example_says_earliest_and_leaving_it_out_means_earliest() -> None:
    assert CHOSEN in EXAMPLE_TEXT
    assert parse_policy(EXAMPLE_TEXT).retention.dispose_at == "earliest"
    without = EXAMPLE_TEXT.replace("retention:\n" + CHOSEN + "\n", "")
    assert "dispose_at" not in without
    assert parse_policy(without).retention.dispose_at == "earliest"
    latest = EXAMPLE_TEXT.replace(CHOSEN, "  dispose_at: latest")
    assert parse_policy(latest).retention.dispose_at == "latest"


@pytest.mark.parametrize("bad", ["  dispose_at: soon", "  dispose_after: earliest"])
def test_a_wrong_choice_or_key_is_refused_at_its_line(bad: str) -> None:
    text = EXAMPLE_TEXT.replace(CHOSEN, bad)
    with pytest.raises(PolicyInvalid) as refused:
        parse_policy(text, "draft.yaml")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == bad)
    messages = [problem.describe("draft.yaml") for problem in refused.value.problems]
    assert any(m.startswith(f"draft.yaml:{line}:") and "retention." in m for m in messages)


def test_staff_read_when_recordings_are_disposed_of() -> None:
    earliest = render(parse_policy(EXAMPLE_TEXT), "html")
    assert "disposed of as soon as the longest duty to keep has run out" in earliest
    assert "the duty to keep wins" in earliest and "legal hold is never disposed of" in earliest
    latest = render(parse_policy(EXAMPLE_TEXT.replace(CHOSEN, "  dispose_at: latest")), "md")
    assert "at the latest moment the shortest limit allows" in latest
