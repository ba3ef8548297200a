"""Which language's scripts a call gets.

The customer's stated language comes first. When no customer states one, the languages of the
customer's jurisdiction are tried in order (law data: `languages` on each jurisdiction record,
inherited from its parent, so US states speak `en`, Canadian provinces `en, fr` and Quebec
`fr, en`). Then the policy's default language. A tag matches scripts for itself, for its base
(`fr-CA` → `fr`), or for a regional form of it (`fr` → `fr-CA`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from callwarden.decisions.compiled import CompiledPolicy
from callwarden.decisions.facts import CallFacts
from callwarden.decisions.outcome import JurisdictionFinding


def scripted(tag: str, scripts: Mapping[str, object]) -> str | None:
    """The policy's script language for `tag`, or None when it has none close enough."""
    if tag in scripts:
        return tag
    base = tag.split("-")[0]
    if base in scripts:
        return base
    return next((key for key in scripts if key.split("-")[0] == base), None)


def choose(
    facts: CallFacts, findings: Sequence[JurisdictionFinding], policy: CompiledPolicy
) -> tuple[str, str | None]:
    """The language for the call's scripts, and a reason when it is not simply the stated one."""
    scripts = policy.document.scripts
    default = policy.document.default_language
    stated = next((p.language for p in facts.parties if p.role == "customer" and p.language), None)
    if stated is not None:
        chosen = scripted(stated, scripts)
        if chosen is not None:
            return chosen, None
        return default, f"No scripts in the customer's language ({stated}); using {default}."
    for party, finding in zip(facts.parties, findings, strict=False):
        if party.role != "customer" or finding.code == "??":
            continue
        spoken = policy.view(finding.code).effective.languages
        for tag in spoken:
            chosen = scripted(tag, scripts)
            if chosen is not None:
                if chosen == default:
                    return chosen, None
                return chosen, (
                    f"The customer gave no language; using {chosen}, a language of "
                    f"{finding.name} ({finding.code}) where they are."
                )
        if spoken:
            return default, (
                f"No scripts in the languages of {finding.name} ({finding.code}): "
                f"{', '.join(spoken)}; using {default}."
            )
    return default, None
