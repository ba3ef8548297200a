"""The policy document's shape (YAML in, pydantic models out).

Every model forbids unknown keys: a misspelt `on_withdrawl` must be an error, not a silently
ignored setting in a compliance document. Checks that need the law knowledge base live in
`validate.py`; this file only says what a well-formed document looks like.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from callwarden.law.schema import IsoDuration

Direction = Literal["inbound", "outbound", "internal"]
# What a scope rule decides for the calls it matches (`outcome:` in the document).
ScopeOutcome = Literal["record", "do_not_record", "sample"]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Digit = Annotated[str, Field(pattern=r"^[0-9*#]$")]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Retention(Model):
    """How long recordings kept for a purpose must and may live (ISO 8601: P90D, P6M, P5Y)."""

    min: IsoDuration
    max: IsoDuration | None = None


class Purpose(Model):
    description: str = ""
    retention: Retention
    sector_rules: list[str] = Field(
        default_factory=list, description="Sector rule ids, e.g. mifid-ii."
    )


class Match(Model):
    """Conditions a call must meet; every given list must contain the call's value."""

    direction: list[Direction] | None = None
    queue: list[str] | None = None
    line: list[str] | None = None
    dialled: list[str] | None = None
    calling: list[str] | None = None
    agent_team: list[str] | None = None


class ScopeRule(Model):
    """One scope rule; the first rule whose match fits a call decides its outcome."""

    id: Identifier
    description: str = ""
    match: Match = Field(default_factory=Match)
    outcome: ScopeOutcome
    reason: str = ""
    rate: float | None = Field(default=None, description="Share of calls recorded when sampling.")
    purposes: list[str] = Field(default_factory=list)
    secure_pause: bool = Field(default=False, description="Payment card data is taken: pause.")


class Script(Model):
    id: Identifier
    text: str


class ConsentScript(Script):
    method: Literal["dtmf", "speech"] = "dtmf"
    accept_digit: Digit = "1"
    decline_digit: Digit | None = "2"
    timeout_s: int = Field(default=10, ge=3, le=60)


class LanguageScripts(Model):
    notice: Script | None = None
    consent: ConsentScript | None = None


class ConsentHandling(Model):
    on_decline: Literal["continue_unrecorded", "end_call"] = "continue_unrecorded"
    on_withdrawal: Literal["stop_keep_prior", "stop_discard_all"] = "stop_keep_prior"
    missing_notice: Literal["refuse", "keep_with_violation"] = Field(
        default="keep_with_violation",
        description="A recording whose call needed a notice the ledger never got: refuse it, or "
        "keep it with a violation on the call and a high finding the audio check can clear.",
    )
    minimum: Literal["law", "implied", "explicit"] = Field(
        default="law", description="Ask for more consent than the law needs, never less."
    )


class PaymentPause(Model):
    max_pause_s: int = Field(default=300, ge=10, le=3600)


class CallHandling(Model):
    clock_tolerance_s: int = Field(
        default=5,
        ge=0,
        le=300,
        description="Events dated this many seconds before the call began are accepted: phone "
        "systems' clocks drift, and many report whole seconds.",
    )


class RetentionHandling(Model):
    """When the sweep disposes of a recording within the window its rules allow.

    `earliest`: as soon as the longest duty to keep runs out (keep no more than needed);
    `latest`: at the shortest maximum (keep all that is allowed). Where no rule sets a maximum,
    both mean the earliest moment.
    """

    dispose_at: Literal["earliest", "latest"] = "earliest"
    hold_review_days: int = Field(
        default=180,
        ge=1,
        le=3650,
        description="A legal hold not created or changed for this many days is due a review; "
        "the retention check reports it.",
    )


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORKING_WEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


class BusinessHours(Model):
    """When people are expected to open recordings: an access outside these hours (local time
    in `timezone`) is reported by the access check, for someone to look at, not refused."""

    start: time = time(8, 0)
    end: time = time(19, 0)
    timezone: str = "UTC"
    days: list[Weekday] = Field(default_factory=lambda: list(WORKING_WEEK))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {zone!r} (an IANA name, e.g. Europe/London)"
            ) from None
        return zone

    @model_validator(mode="after")
    def _a_real_day(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("business_hours.start must be before business_hours.end")
        if not self.days or len(set(self.days)) != len(self.days):
            raise ValueError("business_hours.days must name each working day once")
        return self


class ChecksHandling(Model):
    """The thresholds the compliance checks measure against (`checks:` in the document)."""

    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    kek_rotation_days: int = Field(
        default=365, ge=1, le=3650, description="Rotate the key-encryption key at least this often."
    )
    recording_grace_minutes: int = Field(
        default=60,
        ge=0,
        le=7 * 24 * 60,
        description="A call that ended less than this long ago may still have its upload coming.",
    )
    short_recording_ratio: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="A recording shorter than this share of its call (pauses aside) is reported.",
    )
    volume_multiple: float = Field(
        default=3.0, ge=1, le=100, description="Plays above this multiple of the role's median."
    )
    volume_minimum: int = Field(
        default=20, ge=1, le=1_000_000, description="...and at least this many plays in the period."
    )
    max_token_days: int = Field(
        default=90, ge=1, le=366, description="Live API tokens may last at most this long."
    )
    max_administrators: int = Field(default=3, ge=1, le=1000)
    cdr_match_window_s: int = Field(
        default=120,
        ge=0,
        le=3600,
        description="A call-detail record with no call id matches a call from the same numbers "
        "starting within this many seconds.",
    )


class AccessHandling(Model):
    """Who may do what beyond the roles' fixed rights (`access:` in the document). The roles
    themselves are code (`identity/policies.py`); the policy only widens them where an
    organisation decides so in writing."""

    auditors_may_listen: bool = Field(
        default=False,
        description="Auditors may play (never download) recordings, giving a reason like any "
        "listener, audited. Off: auditors see recordings' metadata only.",
    )


class TrainingHandling(Model):
    """What follows when someone's training or policy acknowledgement is overdue (`training:`
    in the document). Every choice keeps the overdue check's finding per person; the others add
    to it, so the organisation decides how hard an overdue course bites."""

    overdue: Literal["finding", "call_findings", "no_access"] = Field(
        default="finding",
        description="`finding`: a finding per overdue person; `call_findings`: also one per "
        "call an overdue agent handled; `no_access`: also, overdue supervisors and QA reviewers "
        "may not play recordings until they are current.",
    )


class CasesHandling(Model):
    """How employees' concerns and disputes are handled (`cases:` in the document): the time a
    handler has to answer, counted in working days (Monday to Friday), and how long after a
    decision its reporter may appeal it once."""

    answer_within_working_days: int = Field(
        default=10,
        ge=1,
        le=90,
        description="Working days (Monday to Friday) from filing to a decision; a case still "
        "undecided after them is overdue and the `cases` check reports it.",
    )
    appeal_within_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="Calendar days after a decision in which its reporter may appeal it, once, "
        "to a different handler.",
    )


class TransparencyHandling(Model):
    """What employees are shown about how their own calls are recorded and used
    (`transparency:` in the document). The "about recording" page itself is always there; the
    policy decides whether it also names who listened."""

    employees_see_access: bool = Field(
        default=False,
        description="Each employee sees who played or downloaded the recordings of their own "
        "calls, when, and the reason given (from the audit trail). Off: the page explains the "
        "rules but lists no one's access.",
    )


class LawOverride(Model):
    """The organisation's counsel's own reading of one jurisdiction's rule."""

    jurisdiction: str
    rule: Literal["one-party", "notice", "all-party"]
    reason: str = ""
    approved_by: str = ""
    approved_on: date | None = None


class PolicyDocument(Model):
    """A whole recording policy."""

    organisation: str = Field(min_length=1)
    title: str = "Call recording policy"
    recorder_jurisdiction: str | None = None
    operating_jurisdictions: list[str] = Field(default_factory=list)
    unknown_location: str = Field(
        default="strictest",
        description="`strictest`, `recorder`, or a jurisdiction code for unlocated parties.",
    )
    always_announce: bool = True
    notice_window_s: int = Field(default=15, ge=1, le=120)
    default_language: LanguageTag = "en"
    purposes: dict[Identifier, Purpose]
    scope: list[ScopeRule] = Field(min_length=1)
    scripts: dict[LanguageTag, LanguageScripts]
    consent: ConsentHandling = Field(default_factory=ConsentHandling)
    payment_pause: PaymentPause = Field(default_factory=PaymentPause)
    calls: CallHandling = Field(default_factory=CallHandling)
    law_overrides: list[LawOverride] = Field(default_factory=list)
    retention: RetentionHandling = Field(default_factory=RetentionHandling)
    checks: ChecksHandling = Field(default_factory=ChecksHandling)
    access: AccessHandling = Field(default_factory=AccessHandling)
    training: TrainingHandling = Field(default_factory=TrainingHandling)
    cases: CasesHandling = Field(default_factory=CasesHandling)

    transparency: TransparencyHandling = Field(default_factory=TransparencyHandling)
