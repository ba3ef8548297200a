"""The Decision and its parts: plain frozen values, serialisable to the documented JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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

    def as_dict(self, include_trace: bool = False) -> dict[str, Any]:
        body = asdict(self)
        for finding in body["jurisdictions"]:
            finding["citations"] = list(finding["citations"])
        if not include_trace:
            body.pop("trace")
        return body
