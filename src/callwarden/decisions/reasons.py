"""The plain sentences a supervisor reads in a decision's `reasons`."""

from __future__ import annotations

from callwarden.decisions.outcome import ConsentLevel, JurisdictionFinding, RecordOutcome


def governing_reason(governing: str, findings: list[JurisdictionFinding]) -> str:
    """Which rule governs, and from which jurisdictions."""
    distinct = dict.fromkeys(f"{f.code} ({f.rule})" for f in findings)
    parts = ", ".join(distinct)
    if len(distinct) == 1:
        return f"Governing rule: {governing}, from {parts}."
    return f"Governing rule: {governing}, the strictest of {parts}."


def location_reasons(findings: list[JurisdictionFinding]) -> list[str]:
    """Where a location was presumed or unknown, and where the policy overrode the law."""
    reasons = []
    for finding in findings:
        if finding.source == "presumed":
            reasons.append(
                f"The {finding.party} is presumed to be in {finding.name} ({finding.code}): "
                f"{finding.detail}."
            )
        elif finding.source == "unknown":
            reasons.append(f"The {finding.party}'s location is unknown: {finding.detail}.")
        if finding.overridden:
            reasons.append(
                f"{finding.code}: the policy overrides the law's '{finding.law_rule}' with "
                f"'{finding.rule}' (the organisation's own legal reading)."
            )
    return reasons


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
