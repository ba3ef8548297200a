"""The knowledge base's codes in plain words, shared by `callwarden law` and the console, so a
rule reads the same wherever a person looks it up."""

from __future__ import annotations

from callwarden.law.schema import SectorRule

BASIS_WORDS = {
    "A": "primary text, court opinion or RCFP entry read",
    "B": "secondary sources agree",
}
REACH_WORDS = {
    "party_location": "the law follows a party located there, wherever the recorder is",
    "recorder_location": "the law applies to recordings made there",
}
RULE_WORDS = {
    "one-party": "one-party consent: a party to the call may record it",
    "all-party": "all-party consent: every party must agree",
    "notice": "notice: every party must be told the call is recorded",
    "unclear": "unclear: the law is not settled (decisions read it as all-party)",
}


def retention_words(sector: SectorRule) -> str:
    """`at least 5 years, 7 years on request`: the sector's periods in one readable phrase."""
    parts = [
        f"{prefix}{period.words()}{suffix}"
        for prefix, period, suffix in (
            ("at least ", sector.min_retention, ""),
            ("", sector.extended_retention, " on request"),
            ("at most ", sector.max_retention, ""),
        )
        if period is not None
    ]
    return ", ".join(parts) or "-"
