"""Why a recording found for an erasure is kept, each reason with the law that allows it.

The exceptions to erasure, in ONE place, per law. Not legal advice (see `deadlines`): the
citations are the provisions as we read them; where we are unsure of a provision's lettering we
say so. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Erasure exceptions by law: legal claims (a hold, a dispute) and a legal obligation to keep.
LEGAL_CLAIMS = {
    "gdpr": "GDPR Art. 17(3)(e): establishment, exercise or defence of legal claims",
    "uk-gdpr": "UK GDPR Art. 17(3)(e): establishment, exercise or defence of legal claims",
    "ccpa": "Cal. Civ. Code § 1798.145(a)(1)(E): to exercise or defend legal claims",
}
LEGAL_OBLIGATION = {
    "gdpr": "GDPR Art. 17(3)(b): compliance with a legal obligation under Union or Member "
    "State law",
    "uk-gdpr": "UK GDPR Art. 17(3)(b): compliance with a legal obligation under domestic law",
    "ccpa": "Cal. Civ. Code § 1798.145(a)(1)(A): to comply with federal, state, or local laws",
}
UNCERTAIN = {
    "ccpa": "The lettering of § 1798.145(a)(1) is as amended by the CPRA; confirm with counsel.",
}


@dataclass(frozen=True)
class Keep:
    """One reason one recording stays, in words, with its citations."""

    kind: str  # hold | regulatory_minimum | dispute
    text: str
    citations: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "citations": list(self.citations)}


@dataclass(frozen=True)
class SectorMinimum:
    """A sector rule in the recording's retention reasons that sets a minimum."""

    rule_id: str
    name: str
    citation: str


def hold_keeps(law: str, holds: Sequence[tuple[str, str]]) -> list[Keep]:
    """`holds`: (id, matter) of each active hold on the recording."""
    return [
        Keep(
            "hold",
            f"kept under legal hold {hold_id} (matter: {matter})",
            (LEGAL_CLAIMS[law],),
        )
        for hold_id, matter in holds
    ]


def minimum_keeps(
    law: str, retain_until: datetime | None, now: datetime, sector: Sequence[SectorMinimum]
) -> list[Keep]:
    """A regulatory minimum keeps a recording when its earliest disposal moment is still ahead
    AND a sector rule sets that minimum (a minimum of the organisation's own purposes alone is
    no legal obligation, so it does not stand against an erasure)."""
    if retain_until is None or retain_until <= now or not sector:
        return []
    names = ", ".join(f"{rule.name} ({rule.citation})" for rule in sector)
    return [
        Keep(
            "regulatory_minimum",
            f"must be kept until {retain_until.date().isoformat()} under {names}",
            (LEGAL_OBLIGATION[law], *(rule.citation for rule in sector)),
        )
    ]


def dispute_keeps(law: str, disputes: Sequence[str]) -> list[Keep]:
    """`disputes`: the open disputes on the recording (see `service.open_disputes`)."""
    return [
        Keep("dispute", f"needed for open dispute {case}", (LEGAL_CLAIMS[law],))
        for case in disputes
    ]


def sector_rules_cited(
    reasons: Sequence[Mapping[str, Any]] | None, sector_minima: Mapping[str, tuple[str, str]]
) -> list[SectorMinimum]:
    """The sector rules with a minimum among those the recording's reasons cite.

    `sector_minima`: rule id -> (name, citation) of the knowledge base's rules that set one."""
    found: dict[str, SectorMinimum] = {}
    for reason in reasons or []:
        for rule in reason.get("rules", []):
            rule_id = str(rule.get("id", ""))
            if rule_id in sector_minima and rule_id not in found:
                name, citation = sector_minima[rule_id]
                found[rule_id] = SectorMinimum(rule_id, name, rule.get("citation") or citation)
    return list(found.values())
