"""The API's shapes for the "about recording" page and one's own recordings' access list.

The shapes follow the page's values (`about.AboutRecording`, `access_log.Access`) field for
field, so the API and the console show the same thing.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ScopeRuleOut(_Out):
    id: str
    description: str
    when: str = Field(description="The calls the rule covers, in words.")
    outcome: str = Field(description="Recorded, Sampled (with its share) or Never recorded.")
    recorded: bool
    purposes: list[str]
    reason: str = Field(
        description="Why, where the policy says (e.g. why a line is never recorded)."
    )
    secure_pause: bool


class PurposeOut(_Out):
    name: str
    description: str
    kept_at_least: str
    kept_at_most: str
    sector_rules: list[str]


class ListenerOut(_Out):
    role: str
    name: str
    listens: bool
    reach: str = Field(description="Whose recordings the role may play, in words.")
    downloads: bool


class WayOut(_Out):
    title: str
    words: str
    href: str = Field(description="The console page to use.")


class CitationOut(_Out):
    rule: str
    name: str
    cite: str
    url: str | None
    uncertain: bool


class AboutRecordingOut(_Out):
    """What an employee should know about being recorded, from the policy in force."""

    organisation: str
    title: str
    policy_version: int
    effective_from: datetime | None
    scope: list[ScopeRuleOut] = Field(description="The first rule that fits a call applies.")
    purposes: list[PurposeOut]
    disposal: str
    listeners: list[ListenerOut]
    listening_rules: list[str]
    secure_pause: list[str]
    private_call: WayOut
    concern: WayOut
    employees_see_access: bool = Field(
        description="Whether GET /v1/me/recording-access answers (the policy's "
        "transparency.employees_see_access)."
    )
    not_legal_advice: str
    citations: list[CitationOut]


class RecordingAccessOut(_Out):
    """Someone's plays or downloads of one of your recordings, with one reason."""

    who: str = Field(description="The username (or the command or job) that opened it.")
    role: str | None
    recording_id: str
    kind: str = Field(description="`played` or `downloaded`.")
    reason: str | None
    first_at: datetime
    last_at: datetime
    requests: int = Field(description="Audit events behind this row (a reason, then each range).")
