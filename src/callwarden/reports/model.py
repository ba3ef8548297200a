"""The compliance report as values: what `gather` reads from the database and every format
(JSON, HTML, PDF, the console page) renders.

Nothing here touches the database or a renderer, so a renderer can be tested on a report made by
hand, and the JSON form is this tree as it stands. A figure that comes from a sample (the QA
review) carries its Wilson 95% interval and its sample size; a figure that counts every call in
the period is a count, not an estimate, and says so through `sampled=False`.

Later areas (training, concerns and disputes) add their part of the report as a `Section`
through `reports.sections.section`, without changing this shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from callwarden.qa.rates import Rate

NOT_LEGAL_ADVICE = (
    "This report measures the organisation's own recording policy and the rules of callwarden's "
    "law knowledge base as configured. It is not legal advice; where the knowledge base marks a "
    "rule as uncertain, the report says so. Have counsel confirm how a rule applies to you."
)


@dataclass(frozen=True)
class WeekPoint:
    """One week of an indicator: the week's Monday (UTC) and its numerator of denominator."""

    week: date
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Indicator:
    """A summary rate, with its trend by week.

    `key` is stable (`recorded_as_decided`, `notice_verified`, `consent_before_recording`,
    `secure_pause_used`, `qa_compliance`); `counts` says in words what the numerator and the
    denominator count (the methods section prints it); `rate` carries the Wilson interval, which
    renderers show only when `sampled` is true. `target` is the policy's threshold if any.
    """

    key: str
    title: str
    counts: str
    rate: Rate
    sampled: bool
    weekly: tuple[WeekPoint, ...] = ()
    target: float | None = None


@dataclass(frozen=True)
class CheckFindings:
    """One check's findings for the period, by severity and by status."""

    check: str
    title: str
    by_severity: dict[str, int]
    by_status: dict[str, int]


@dataclass(frozen=True)
class NotableFinding:
    """A finding a reader should see by name (open or acknowledged, of medium severity or
    above): at most a few dozen."""

    finding_id: int
    check: str
    severity: str
    status: str
    summary: str
    citation: str
    first_seen: datetime


@dataclass(frozen=True)
class TeamRow:
    """One team's line in the per-team table ("no team" for calls without one)."""

    team: str
    calls: int
    recordings: int
    recorded_as_decided: Rate
    notice_verified: Rate
    findings: int
    qa_evaluations: int
    qa_pass: Rate
    qa_mean_score: float | None


@dataclass(frozen=True)
class QaItem:
    """One compliance question of the scorecards used in the period, pass rate from the sample."""

    scorecard: str
    question: str
    rate: Rate


@dataclass(frozen=True)
class QaResults:
    evaluations: int
    pass_rate: Rate
    mean_score: float | None
    items: tuple[QaItem, ...]


@dataclass(frozen=True)
class ChainStatus:
    """The audit trail over the period: whether its events verify from the anchor before them,
    and the newest signed checkpoint covering them."""

    verified: bool
    events: int
    first_seq: int | None
    last_seq: int | None
    problem: str | None
    checkpoint_seq: int | None
    checkpoint_at: datetime | None


@dataclass(frozen=True)
class Method:
    """One line of the methods section: a figure and what it counts."""

    figure: str
    counts: str


@dataclass(frozen=True)
class Section:
    """A part of the report another area adds (training, cases): a title, a paragraph, a table
    (column names, and rows of already-formatted cells), its indicators and its methods.
    `figures` are the section's numbers as numbers, by a stable key, for the JSON form (the
    table's cells are text for people); None where a figure has nothing to measure."""

    key: str
    title: str
    summary: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    indicators: tuple[Indicator, ...] = ()
    methods: tuple[Method, ...] = ()
    figures: dict[str, int | float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ComplianceReport:
    """The whole report for [period_start, period_end). `empty` is true when the period had no
    calls; the report then says so in `notes` instead of showing rates of nothing."""

    period_start: datetime
    period_end: datetime
    generated_at: datetime
    generated_by: str
    policy_versions: tuple[int, ...]
    law_versions: tuple[str, ...]
    calls: int
    recordings: int
    empty: bool
    indicators: tuple[Indicator, ...]
    findings: tuple[CheckFindings, ...]
    findings_weekly: tuple[tuple[date, dict[str, int]], ...]  # week → {severity: opened}
    notable: tuple[NotableFinding, ...]
    teams: tuple[TeamRow, ...]
    qa: QaResults
    chain: ChainStatus
    methods: tuple[Method, ...]
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = ()
    disclaimer: str = NOT_LEGAL_ADVICE
    check_runs: tuple[str, ...] = field(default=())  # the runs whose findings are counted
    organisation: str | None = None  # the policy document's `organisation`, for the title
