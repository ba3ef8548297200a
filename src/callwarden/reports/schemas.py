"""The report's JSON shape for the OpenAPI document (what `json_form.as_json` writes).

The route answers `as_json` itself, so the API, the file `callwarden report compliance` writes
and this description are one shape; these models only describe it, in the same key order.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class RateOut(BaseModel):
    successes: int
    n: int = Field(description="The sample's (or the population's) size.")
    estimate: float = Field(description="successes / n, as a proportion (0 when n is 0).")
    low: float = Field(description="The 95% Wilson interval's lower end.")
    high: float = Field(description="The 95% Wilson interval's upper end.")
    text: str = Field(description='For people: "92.0% (95% CI 85.1–95.9%, n=75)".')


class WeekPointOut(BaseModel):
    week: date = Field(description="The week's Monday (UTC).")
    numerator: int
    denominator: int


class IndicatorOut(BaseModel):
    key: str
    title: str
    counts: str = Field(description="What the numerator and the denominator count, in words.")
    rate: RateOut
    sampled: bool = Field(description="A sample's estimate (show the interval) or a count.")
    weekly: list[WeekPointOut]
    target: float | None


class CheckFindingsOut(BaseModel):
    check: str
    title: str
    by_severity: dict[str, int]
    by_status: dict[str, int]


class WeeklyFindingsOut(BaseModel):
    week: date
    opened: dict[str, int] = Field(description="Findings first found that week, by severity.")


class NotableFindingOut(BaseModel):
    finding_id: int
    check: str
    severity: str
    status: str
    summary: str
    citation: str
    first_seen: datetime


class TeamRowOut(BaseModel):
    team: str
    calls: int
    recordings: int
    recorded_as_decided: RateOut
    notice_verified: RateOut
    findings: int
    qa_evaluations: int
    qa_pass: RateOut
    qa_mean_score: float | None


class QaItemOut(BaseModel):
    scorecard: str
    question: str
    rate: RateOut


class QaResultsOut(BaseModel):
    evaluations: int
    pass_rate: RateOut
    mean_score: float | None
    items: list[QaItemOut]


class ChainStatusOut(BaseModel):
    verified: bool
    events: int
    first_seq: int | None
    last_seq: int | None
    problem: str | None
    checkpoint_seq: int | None
    checkpoint_at: datetime | None


class MethodOut(BaseModel):
    figure: str
    counts: str


class SectionOut(BaseModel):
    key: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[str]]
    indicators: list[IndicatorOut]
    methods: list[MethodOut]
    figures: dict[str, int | float | None] = Field(
        default_factory=dict,
        description="The section's numbers by a stable key (e.g. `filed`, `filed.concern`); "
        "null where there was nothing to measure.",
    )


class ComplianceReportOut(BaseModel):
    """A period's compliance report: [period_start, period_end)."""

    format: str
    version: int
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    generated_by: str
    policy_versions: list[int]
    law_versions: list[str]
    calls: int
    recordings: int
    empty: bool = Field(description="No calls in the period: `notes` says so, no rates shown.")
    indicators: list[IndicatorOut]
    findings: list[CheckFindingsOut]
    findings_weekly: list[WeeklyFindingsOut]
    notable: list[NotableFindingOut]
    teams: list[TeamRowOut]
    qa: QaResultsOut
    chain: ChainStatusOut
    methods: list[MethodOut]
    sections: list[SectionOut]
    notes: list[str]
    disclaimer: str
    check_runs: list[str]
    organisation: str | None = Field(
        default=None, description="The policy document's organisation, when the report names it."
    )
