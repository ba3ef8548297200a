"""Rules with citations for the checks: the policy's own clauses and the law knowledge base's."""

from __future__ import annotations

from callwarden.checks.registry import Rule
from callwarden.law.knowledge import UnknownJurisdiction, load_knowledge_base


def policy(clause: str, text: str) -> Rule:
    """A rule of the organisation's own policy document, cited by its setting."""
    return Rule(text=text, citation=f"recording policy: {clause}")


def law(code: str | None, text: str) -> Rule:
    """A jurisdiction's rule, cited from the knowledge base (its most specific authority)."""
    if not code:
        return Rule(text=text, citation="", uncertain=True)
    try:
        effective = load_knowledge_base().effective_rule(code)
    except UnknownJurisdiction:
        return Rule(text=text, citation=code, uncertain=True)
    cites = "; ".join(c.cite for c in effective.citations[:3])
    return Rule(
        text=f"{text} ({effective.name}: {effective.rule})",
        citation=cites,
        uncertain=effective.uncertain,
    )
