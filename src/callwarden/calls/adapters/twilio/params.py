"""Twilio's webhook parameters, read into call facts and recording statuses.

Twilio posts CamelCase form fields. Only what the decision needs is read from the voice webhook:
who is on the line, which way the call goes, and where Twilio's number data places each side.
Anything unreadable (a SIP URI or `client:` identity instead of a number, a withheld caller ID,
a country the law knowledge base does not cover) is left out rather than guessed, so the
policy's `unknown_location` setting decides, as it would for any other integration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callwarden.calls.schemas import CallCreate
from callwarden.decisions.facts import Direction
from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import load_knowledge_base

CALL_SID = r"^CA[0-9a-fA-F]{32}$"
RECORDING_SID = r"^RE[0-9a-fA-F]{32}$"
DIRECTIONS: dict[str, Direction] = {
    "inbound": "inbound",
    "outbound-api": "outbound",
    "outbound-dial": "outbound",
}
# Twilio's placeholders for anonymous, restricted, blocked and unknown caller IDs: real-looking
# numbers that say nothing about where the caller is.
WITHHELD = frozenset({"+266696687", "+7378742833", "+2562533", "+86282452253"})
M = TypeVar("M", bound=BaseModel)
_E164 = re.compile(r"\+[1-9]\d{4,14}")
_TWO_LETTERS = re.compile(r"[A-Z]{2}")
# The language a caller from here most likely understands, where one language clearly
# dominates; elsewhere the policy's default applies. `?language=` on the webhook URL overrides.
LIKELY_LANGUAGE = {
    "US": "en", "GB": "en", "IE": "en", "AU": "en", "NZ": "en", "CA-QC": "fr",
    "DE": "de", "AT": "de", "FR": "fr", "ES": "es", "MX": "es", "IT": "it", "NL": "nl",
    "DK": "da", "BR": "pt", "JP": "ja",
}  # fmt: skip


class VoiceOptions(BaseModel):
    """Per-number settings, given as query parameters on the webhook URL in Twilio's console."""

    model_config = ConfigDict(extra="forbid")

    queue: str | None = Field(default=None, min_length=1, max_length=120)
    language: str | None = Field(
        default=None, max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
    )
    next: str | None = Field(default=None, max_length=1000, pattern=r"^https?://[^\s]+$")


class RecordingStatusIn(BaseModel):
    """One recording-status callback, as Twilio posts it."""

    model_config = ConfigDict(extra="ignore")

    account_sid: str | None = Field(default=None, alias="AccountSid", max_length=64)
    call_sid: str = Field(alias="CallSid", pattern=CALL_SID)
    recording_sid: str = Field(alias="RecordingSid", pattern=RECORDING_SID)
    status: Literal["in-progress", "completed", "absent", "failed"] = Field(alias="RecordingStatus")
    url: str | None = Field(default=None, alias="RecordingUrl", max_length=1000)
    duration_s: float | None = Field(default=None, alias="RecordingDuration")
    channels: int | None = Field(default=None, alias="RecordingChannels", ge=1, le=8)
    error_code: str | None = Field(default=None, alias="ErrorCode", max_length=16)
    source: str | None = Field(default=None, alias="RecordingSource", max_length=40)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("duration_s")
    @classmethod
    def _unknown_duration(cls, value: float | None) -> float | None:
        return value if value is not None and value >= 0 else None  # Twilio sends -1 mid-call


def parse_recording_status(params: Mapping[str, str]) -> RecordingStatusIn:
    return _validated(RecordingStatusIn, params)


def call_sid(params: Mapping[str, str]) -> str:
    """The CallSid, which every Twilio voice request carries; a clear 422 when it does not."""
    value = params.get("CallSid", "")
    if not re.fullmatch(CALL_SID, value):
        raise InvalidInput(f"CallSid {value[:40]!r} is missing or not a Twilio call SID")
    return value


def call_facts(params: Mapping[str, str], options: VoiceOptions) -> CallCreate:
    """The call as the decision engine sees it: the customer is the far end of the call."""
    sid = call_sid(params)
    raw_direction = params.get("Direction", "")
    direction = DIRECTIONS.get(raw_direction)
    if direction is None:
        raise InvalidInput(
            f"Direction {raw_direction[:40]!r} is not supported: callwarden handles "
            f"{', '.join(DIRECTIONS)}"
        )
    caller = _side(params, "From", "Caller")
    called = _side(params, "To", "Called")
    customer, business = (caller, called) if direction == "inbound" else (called, caller)
    body = {
        "source": "twilio",
        "external_id": sid,
        "call_id": sid,
        "direction": direction,
        "queue": options.queue,
        "line": business.number,
        "dialled": called.number,
        "calling": caller.number,
        "parties": [
            {
                "role": "customer",
                "number": customer.number,
                "jurisdiction": customer.jurisdiction,
                "jurisdiction_source": "provider",  # Twilio's number data: a hint
                "language": options.language or customer.likely_language,
            },
            {
                "role": "agent",
                "number": business.number,
                "jurisdiction": business.jurisdiction,
                "jurisdiction_source": "provider",
            },
        ],
    }
    return _validated(CallCreate, body)


@dataclass(frozen=True, slots=True)
class _Side:
    """One end of the call: its number and where Twilio's number data places it."""

    number: str | None
    country: str
    jurisdiction: str | None

    @property
    def likely_language(self) -> str | None:
        return LIKELY_LANGUAGE.get(self.jurisdiction or "") or LIKELY_LANGUAGE.get(self.country)


def _side(params: Mapping[str, str], prefix: str, alternative: str) -> _Side:
    def field(name: str) -> str:
        return (params.get(prefix + name) or params.get(alternative + name) or "").strip().upper()

    country = field("Country")
    return _Side(usable_number(params.get(prefix)), country, jurisdiction(country, field("State")))


def usable_number(value: str | None) -> str | None:
    """An E.164 number the law locator can place, or None (SIP URI, client id, withheld)."""
    text = (value or "").strip()
    if text in WITHHELD or not _E164.fullmatch(text):
        return None
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    return text if possible == phonenumbers.ValidationResult.IS_POSSIBLE else None


def jurisdiction(country: str, state: str) -> str | None:
    """`US-CA` / `CA-ON` where Twilio names a US state or Canadian province, the country
    elsewhere, and None when the knowledge base does not cover it (the policy then decides).

    A US or Canadian side without a known state gets None, not the country: the federal rule
    would otherwise override the state the number's area code points to.
    """
    known = load_knowledge_base().jurisdictions
    country, state = country.upper(), state.upper()
    if not _TWO_LETTERS.fullmatch(country):
        return None
    if country in {"US", "CA"}:
        subdivision = f"{country}-{state}"
        return subdivision if _TWO_LETTERS.fullmatch(state) and subdivision in known else None
    return country if country in known else None


def _validated(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate, turning pydantic's error into one clear 422 line naming the field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from None
