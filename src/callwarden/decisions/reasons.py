"""The plain sentences a supervisor reads in a decision's `reasons`."""

from __future__ import annotations

from collections import Counter

from callwarden.decisions.outcome import ConsentLevel, JurisdictionFinding, RecordOutcome


def governing_reason(governing: str, findings: list[JurisdictionFinding]) -> str:
    """Which rule governs, and from which jurisdictions."""
    distinct = dict.fromkeys(f"{f.code} ({f.rule})" for f in findings)
    parts = ", ".join(distinct)
    if len(distinct) == 1:
        return f"Governing rule: {governing}, from {parts}."
    return f"Governing rule: {governing}, the strictest of {parts}."


def location_reasons(findings: list[JurisdictionFinding]) -> list[str]:
    """Where a location was presumed or unknown, and where the policy overrode the law.

    Parties placed alike share one sentence and an override is stated once per jurisdiction,
    so no jurisdiction is listed twice for the same reason.
    """
    presumed: dict[tuple[str, str, str], list[str]] = {}
    unknown: dict[str, list[str]] = {}
    overridden: dict[str, JurisdictionFinding] = {}
    for finding in findings:
        if finding.source == "presumed":
            presumed.setdefault((finding.name, finding.code, finding.detail), []).append(
                finding.party
            )
        elif finding.source == "unknown":
            unknown.setdefault(finding.detail, []).append(finding.party)
        if finding.overridden:
            overridden.setdefault(finding.code, finding)
    reasons = []
    for (name, code, detail), parties in presumed.items():
        who, verb = _who(parties)
        reasons.append(f"{who} {verb} presumed to be in {name} ({code}): {detail}.")
    for detail, parties in unknown.items():
        if len(parties) == 1:
            reasons.append(f"The {_role(parties[0])}'s location is unknown: {detail}.")
        else:
            reasons.append(f"The locations of {_who(parties)[0].lower()} are unknown: {detail}.")
    for code, finding in overridden.items():
        reasons.append(
            f"{code}: the policy overrides the law's '{finding.law_rule}' with "
            f"'{finding.rule}' (the organisation's own legal reading)."
        )
    return reasons


def outside_reason(outside: tuple[JurisdictionFinding, ...]) -> str:
    """The jurisdictions on the call the policy was not written for."""
    places = ", ".join(f"{finding.name} ({finding.code})" for finding in outside)
    return (
        f"Outside the policy's operating jurisdictions: {places}. The policy was not written "
        "for calls there; have counsel confirm the rule before relying on this decision."
    )


def _role(party: str) -> str:
    return party.replace("_", " ")


def _who(parties: list[str]) -> tuple[str, str]:
    """`The customer`, `2 customers and the agent`: the parties, and the verb that fits."""
    counts = Counter(parties)
    words = [
        f"the {_role(role)}" if count == 1 else f"{count} {_role(role)}s"
        for role, count in counts.items()
    ]
    text = " and ".join(words)
    return text[0].upper() + text[1:], "is" if len(parties) == 1 else "are"


def consent_reason(consent: ConsentLevel, record: RecordOutcome) -> str:
    """What the parties must hear or agree to, in one sentence."""
    if record == "no":
        return "Nothing is recorded, so no notice or consent is needed for recording."
    if consent == "explicit":
        return (
            "Explicit consent is needed: a jurisdiction on this call does not accept a notice "
            "alone, so record only after the party agrees."
        )
    if consent == "implied":
        return "A notice at the start is enough: staying on the line after it counts as consent."
    return "One-party consent: the organisation, as a party, may record."
