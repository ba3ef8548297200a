"""How strict a recording rule is, so a multi-party call can take the strictest one.

Practitioners advise applying the strictest law of any participant's location, and an unsettled
law is safest read as the strict one, so `unclear` ranks with `all-party`.
"""

from __future__ import annotations

from collections.abc import Iterable

from callwarden.law.schema import GoverningRule, RuleKind

STRICTNESS: dict[str, int] = {"one-party": 0, "notice": 1, "all-party": 2, "unclear": 2}
"""Rank of each rule kind; higher is stricter. `unclear` counts as `all-party`."""

_GOVERNING: dict[str, GoverningRule] = {
    "one-party": "one-party",
    "notice": "notice",
    "all-party": "all-party",
    "unclear": "all-party",
}
_BY_RANK: tuple[GoverningRule, ...] = ("one-party", "notice", "all-party")


def strictness(rule: RuleKind) -> int:
    """Rank a rule kind (0 one-party, 1 notice, 2 all-party or unclear)."""
    try:
        return STRICTNESS[rule]
    except KeyError:
        raise ValueError(f"unknown rule kind {rule!r}") from None


def governing(rule: RuleKind) -> GoverningRule:
    """The rule a decision acts on: `unclear` becomes `all-party`, the rest are unchanged."""
    try:
        return _GOVERNING[rule]
    except KeyError:
        raise ValueError(f"unknown rule kind {rule!r}") from None


def strictest(rules: Iterable[RuleKind]) -> GoverningRule:
    """The governing rule for a call: the strictest of its parties' rules, never `unclear`.

    Empty input is a programming error (a call always has at least one party), so it raises
    ValueError rather than guessing a default.
    """
    best = -1
    for rule in rules:
        rank = strictness(rule)
        if rank > best:
            best = rank
            if rank == 2:
                break
    if best < 0:
        raise ValueError("strictest() needs at least one rule")
    return _BY_RANK[best]
