"""Strictness ordering: all-party = unclear > notice > one-party."""

from __future__ import annotations

import pytest

from callwarden.law import RULE_KINDS, governing, strictest, strictness


def test_order() -> None:
    assert strictness("one-party") < strictness("notice") < strictness("all-party")
    assert strictness("unclear") == strictness("all-party")
    assert set(RULE_KINDS) == {"one-party", "notice", "all-party", "unclear"}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (["one-party"], "one-party"),
        (["one-party", "notice"], "notice"),
        (["notice", "one-party", "all-party"], "all-party"),
        (["one-party", "unclear"], "all-party"),
        (("notice", "notice"), "notice"),
    ],
)
def test_strictest(rules: list[str], expected: str) -> None:
    assert strictest(rules) == expected  # type: ignore[arg-type]
    assert strictest(iter(rules)) == expected  # type: ignore[arg-type]


def test_strictest_never_returns_unclear() -> None:
    assert strictest(["unclear"]) == "all-party"
    assert governing("unclear") == "all-party"
    assert governing("notice") == "notice"


def test_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        strictest([])
    with pytest.raises(ValueError, match="unknown rule kind"):
        strictness("two-party")  # type: ignore[arg-type]
