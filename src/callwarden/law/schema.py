"""The shape of the law knowledge base: one record per jurisdiction, one per sector rule.

The data files are research notes turned into data, and decisions cite them, so a record that
states a rule without saying where the rule comes from must never load. These models are the
gate: frozen (decisions share them across threads), `extra="forbid"` (a misspelt key is an
error, not silently ignored), and checked for internal consistency. Checks that need the whole
set (unknown parent, cycles, floors) live in `knowledge.py`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, model_validator

from callwarden.kit.errors import InvalidInput
from callwarden.law.durations import Duration, parse_duration

RuleKind = Literal["one-party", "all-party", "notice", "unclear"]
"""What recording a phone call you take part in requires (the product records as a party)."""

GoverningRule = Literal["one-party", "notice", "all-party"]
"""A rule a decision can act on: `unclear` is resolved to `all-party`."""

RULE_KINDS: tuple[RuleKind, ...] = ("one-party", "all-party", "notice", "unclear")

ConsentForm = Literal[
    "participant", "notice_and_continue", "recorded_notice", "beep_tone", "affirmative", "written"
]

CONSENT_FORMS: dict[str, str] = {
    "participant": "The recording party's own consent is enough; nobody else need be told.",
    "notice_and_continue": (
        "A notice at the start of the call; a party who stays on after hearing it is taken "
        "to agree (implied consent)."
    ),
    "recorded_notice": (
        "A spoken notice at the start that is itself captured on the recording, so the "
        "recording proves the notice (e.g. Connecticut, Washington)."
    ),
    "beep_tone": "An automatic warning tone repeated during the call (Connecticut: ~15 s).",
    "affirmative": (
        "An express yes from the party (spoken or keypress) before recording, kept as evidence."
    ),
    "written": "Consent given in writing before the call.",
}
"""The closed consent vocabulary, with what each form means (shown by `law show`)."""

Reach = Literal["party_location", "recorder_location"]

CountryOrSubdivision = Annotated[
    str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$", description="ISO 3166-1 or 3166-2 code")
]
SectorScope = Annotated[str, Field(pattern=r"^(\*|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")]
NonEmptyText = Annotated[str, Field(min_length=1)]


def _validate_duration(value: Any) -> Duration:
    """Pydantic hook: accept `Duration` or ISO text; report bad text as a validation error."""
    if isinstance(value, Duration):
        return value
    try:
        return parse_duration(value)
    except InvalidInput as error:
        raise ValueError(error.detail) from None


IsoDuration = Annotated[
    Duration,
    PlainValidator(_validate_duration),
    PlainSerializer(lambda duration: duration.isoformat(), return_type=str),
]


class Record(BaseModel):
    """Base for knowledge-base records: immutable and strict about keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Citation(Record):
    """One authority or source: what it is, how lawyers cite it, and where to read it."""

    title: NonEmptyText
    cite: NonEmptyText
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class JurisdictionRule(Record):
    """The recording-consent law of one country, state, province or bloc, as written in its file.

    `rule`, `consent_forms` and `basis` may be left out when a `parent` supplies them (a Canadian
    province with no provincial research falls back to the federal rule). A record that states
    a rule must cite at least one authority.
    """

    code: CountryOrSubdivision
    name: NonEmptyText
    parent: CountryOrSubdivision | None = None
    floor: bool = Field(
        default=False,
        description="Children may not state a less strict rule (federal law applies in states).",
    )
    rule: RuleKind | None = None
    in_person_rule: RuleKind | None = None
    consent_forms: tuple[ConsentForm, ...] | None = None
    reach: Reach | None = None
    languages: tuple[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")], ...] | None = Field(
        default=None,
        description="Languages a notice is given in there, most usual first; inherited.",
    )
    basis: Annotated[str, Field(pattern=r"^[AB]\b")] | None = None
    citations: tuple[Citation, ...] = ()
    notes: tuple[NonEmptyText, ...] = ()
    open_points: tuple[NonEmptyText, ...] = ()
    uncertain: bool
    reviewed: date

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.rule is not None and not self.citations:
            raise ValueError(
                f"{self.code} states rule '{self.rule}' but has no citations; "
                "every rule must cite at least one authority"
            )
        if self.rule is None and self.parent is None:
            raise ValueError(f"{self.code} has no rule and no parent to inherit one from")
        if self.rule is not None and self.basis is None:
            raise ValueError(f"{self.code} states a rule but not its basis (A or B)")
        if self.parent == self.code:
            raise ValueError(f"{self.code} cannot be its own parent")
        country, _, subdivision = self.code.partition("-")
        if subdivision and self.parent != country:
            raise ValueError(f"subdivision {self.code} must have parent '{country}'")
        if self.consent_forms is not None:
            if not self.consent_forms:
                raise ValueError("consent_forms, when given, must list at least one form")
            if len(set(self.consent_forms)) != len(self.consent_forms):
                raise ValueError("consent_forms lists a form twice")
        return self


class SectorRule(Record):
    """A sector regime's duty to record, retention period or content restriction.

    Durations are ISO 8601. `min_retention` is the shortest keep the rule demands,
    `extended_retention` the longest a regulator may ask for, `max_retention` the longest the
    rule allows; `retention_of` says what the period counts (which is not always the audio:
    HIPAA's six years are for documentation, not recordings).
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    name: NonEmptyText
    jurisdictions: Annotated[tuple[SectorScope, ...], Field(min_length=1)]
    applies_to: NonEmptyText
    recording_required: bool
    requirements: Annotated[tuple[NonEmptyText, ...], Field(min_length=1)]
    min_retention: IsoDuration | None = None
    extended_retention: IsoDuration | None = None
    max_retention: IsoDuration | None = None
    retention_of: NonEmptyText | None = None
    forbidden_content: tuple[Literal["sensitive_authentication_data"], ...] = ()
    citations: Annotated[tuple[Citation, ...], Field(min_length=1)]
    notes: tuple[NonEmptyText, ...] = ()
    open_points: tuple[NonEmptyText, ...] = ()
    uncertain: bool
    reviewed: date

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        periods = (self.min_retention, self.extended_retention, self.max_retention)
        if any(period is not None for period in periods) and self.retention_of is None:
            raise ValueError(f"{self.id} gives a retention period but not what it counts")
        low, high = self.min_retention, self.max_retention
        if low is not None and high is not None and low > high:
            raise ValueError(f"{self.id}: min_retention is longer than max_retention")
        if self.extended_retention is not None and (
            self.min_retention is None or self.extended_retention < self.min_retention
        ):
            raise ValueError(f"{self.id}: extended_retention needs a shorter min_retention")
        return self


class KnowledgeBaseManifest(Record):
    """`data/kb.yaml`: the declared version of the data set (the loader adds a content hash)."""

    version: Annotated[str, Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")]
    description: str = ""


CODE_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
