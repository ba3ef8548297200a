"""The Decision and its parts: plain frozen values, serialisable to the documented JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from callwarden.law.knowledge import NOT_LEGAL_ADVICE
from callwarden.law.schema import GoverningRule

RecordOutcome = Literal["yes", "no", "after_consent"]
ConsentLevel = Literal["none", "implied", "explicit"]
LocationSource = Literal["explicit", "presumed", "unknown", "policy"]


@dataclass(frozen=True, slots=True)
class JurisdictionFinding:
    code: str
    name: str
    rule: GoverningRule
    source: LocationSource
    uncertain: bool
    citations: tuple[str, ...]
    party: str
    detail: str
    law_rule: str
    overridden: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    required: bool
    text: str | None = None
    language: str | None = None
    script_id: str | None = None
    must_be_recorded: bool = False


@dataclass(frozen=True, slots=True)
class ConsentPrompt:
    script_id: str
    text: str
    language: str
    method: str
    accept_digit: str
    decline_digit: str | None
    timeout_s: int


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: str
    record: RecordOutcome
    governing_rule: GoverningRule
    consent: ConsentLevel
    notice: Notice
    consent_prompt: ConsentPrompt | None
    jurisdictions: tuple[JurisdictionFinding, ...]
    purposes: tuple[str, ...]
    retention_class: str | None
    scope_rule: str
    secure_pause: bool
    uncertain: bool
    reasons: tuple[str, ...]
    policy_version: int
    law_version: str
    trace: tuple[str, ...] = field(default=())
    disclaimer: str = NOT_LEGAL_ADVICE
    # What the caller knew of the call beyond its facts and told the decision to keep, such as
    # an agent whose training is overdue (calls/overdue.py): said, never decisive.
    notes: tuple[str, ...] = field(default=())

    def as_dict(self, include_trace: bool = False) -> dict[str, Any]:
        """The documented JSON shape, built field by field (dataclasses.asdict deep-copies,
        which costs more than the decision itself)."""
        body: dict[str, Any] = {
            "decision_id": self.decision_id,
            "record": self.record,
            "governing_rule": self.governing_rule,
            "consent": self.consent,
            "notice": _fields(self.notice),
            "consent_prompt": _fields(self.consent_prompt) if self.consent_prompt else None,
            "jurisdictions": [
                {**_fields(finding), "citations": list(finding.citations)}
                for finding in self.jurisdictions
            ],
            "purposes": list(self.purposes),
            "retention_class": self.retention_class,
            "scope_rule": self.scope_rule,
            "secure_pause": self.secure_pause,
            "uncertain": self.uncertain,
            "reasons": list(self.reasons),
            "notes": list(self.notes),
            "policy_version": self.policy_version,
            "law_version": self.law_version,
            "disclaimer": self.disclaimer,
        }
        if include_trace:
            body["trace"] = list(self.trace)
        return body


def _fields(value: Notice | ConsentPrompt | JurisdictionFinding) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}
