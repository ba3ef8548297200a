"""What each figure of the report counts, in words: the indicators' `counts` and the methods.

The words live beside the keys so that a renderer never explains a figure itself, and so that
what a reader is told is what `figures.py` counts (each text names the same conditions).
"""

from __future__ import annotations

from callwarden.checks.registry import Check
from callwarden.reports.model import Method

TITLES = {
    "recorded_as_decided": "Recorded as decided",
    "notice_verified": "Notice verified in the audio",
    "consent_before_recording": "Consent before recording",
    "secure_pause_used": "Secure pause on payment calls",
    "qa_compliance": "QA compliance items passed",
}

COUNTS = {
    "recorded_as_decided": (
        "Calls that started in the period whose decision said record (or record after consent, "
        "once the ledger shows recording began), that ended more than "
        "checks.recording_grace_minutes before the report and were not halted: those with a "
        "recording received (kept, or since disposed of), of all such calls. The completeness "
        "check reports each one without a recording."
    ),
    "notice_verified": (
        "Recordings that began in the period and whose audio was analysed: those on which the "
        "audio check verified the notice (a notice_verified finding), of all analysed ones. "
        "The notice_audio check counts the same share."
    ),
    "consent_before_recording": (
        "Calls recorded in the period (by their first recording's start) under an all-party "
        "rule, with a party the decision said needs consent: those where every such party "
        "consented (given, or implied where the policy accepts it) no later than the recording "
        "began or the party joined, within the policy's calls.clock_tolerance_s, of all such "
        "calls. The consent check reports each party who did not."
    ),
    "secure_pause_used": (
        "Calls that started in the period whose decision required a secure pause and that were "
        "recorded (payment calls): those with at least one pause in the ledger, of all such "
        "calls. The secure_pause check reports each one without."
    ),
    "qa_compliance": (
        "Compliance items of the submitted QA evaluations of the period's recordings: items "
        'answered "yes", of items answered yes or no ("n/a" left out). A sample: the rate '
        "carries its 95% Wilson interval and the number of answers."
    ),
}

FINDINGS = (
    "Findings of the periodic checks that a check run whose period overlaps the report's "
    "first saw or last saw, counted once each by severity and by their status now (a "
    "finding seen again in a later run is the same finding). Findings by week count those "
    "first found in the period, by the week they were found. The notable findings are the "
    "open or acknowledged ones of medium severity or above, the most serious first and then "
    "the newest, at most 50."
)
WILSON = (
    "A rate from a sample (the QA review) is shown with its 95% confidence interval by the "
    "Wilson score method: the range that, over repeated samples, holds the true rate 95 times "
    "in 100. Wilson's interval stays within 0-100% and keeps its coverage near 0% and 100%, "
    "where compliance rates lie; n is the sample's size, and a small n gives a wide range."
)
COUNTED = (
    "Rates over the period's calls and recordings count every one of them: they are exact "
    "counts, not estimates, and carry no interval. Teams are the call's team (a recording's "
    'team for the audio figures); calls without one are under "no team".'
)
CHAIN = (
    "The audit events of the period are verified from the stored hash of the event before "
    "them (the anchor): each must follow the one before and match its own content. The "
    "checkpoint named is the first signed checkpoint at or after the period's last event, "
    "checked against the installation's key; the walk goes on to it."
)


def indicator_methods(clause: str) -> list[Method]:
    """One line per indicator: what it counts, and the partial weeks of its trend if any."""
    return [Method(TITLES[key], COUNTS[key] + (f" {clause}" if clause else "")) for key in TITLES]


def check_methods(checks: list[Check]) -> list[Method]:
    return [Method(f"Check: {check.title}", check.description) for check in checks]


def general_methods() -> list[Method]:
    return [
        Method("Findings", FINDINGS),
        Method("Confidence intervals", WILSON),
        Method("Counts over every call", COUNTED),
        Method("Audit trail", CHAIN),
    ]
