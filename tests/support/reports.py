"""Compliance reports made by hand, for testing the renderers without a database.

`sample_report` is a quarter as a contact centre might have it: five indicators (one sampled),
findings in four severities, notable findings, teams, QA items, a verified audit trail and one
added section. Its knobs make the large report the PDF's timing is measured on, the hostile
names the escaping tests use, and a broken chain. `empty_report` is a period with no calls.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from callwarden.qa.rates import Rate, wilson
from callwarden.reports.model import (
    ChainStatus,
    CheckFindings,
    ComplianceReport,
    Indicator,
    Method,
    NotableFinding,
    QaItem,
    QaResults,
    Section,
    TeamRow,
    WeekPoint,
)

START = datetime(2026, 7, 1, tzinfo=UTC)
END = datetime(2026, 10, 1, tzinfo=UTC)
GENERATED = datetime(2026, 10, 2, 8, 30, tzinfo=UTC)
FIRST_MONDAY = date(2026, 6, 29)
WEEKS = 14  # the Mondays whose weeks touch Q3 2026

INDICATORS = (
    (
        "recorded_as_decided",
        "Recorded as decided",
        "calls whose recording matched the decision",
        0.99,
    ),
    ("notice_verified", "Notice verified in the audio", "recordings whose notice was heard", 0.95),
    (
        "consent_before_recording",
        "Consent before recording",
        "all-party calls with consent first",
        None,
    ),
    ("secure_pause_used", "Secure pause used for payments", "payment calls paused", 0.98),
)


def _weekly(rng: random.Random, level: float, per_week: int) -> tuple[WeekPoint, ...]:
    points = []
    for week in range(WEEKS):
        denominator = max(1, int(per_week * rng.uniform(0.7, 1.3)))
        numerator = min(denominator, round(denominator * min(1.0, rng.gauss(level, 0.02))))
        points.append(WeekPoint(FIRST_MONDAY + timedelta(weeks=week), numerator, denominator))
    return tuple(points)


def _indicator(
    key: str,
    title: str,
    counts: str,
    target: float | None,
    weekly: tuple[WeekPoint, ...],
    sampled: bool,
) -> Indicator:
    numerator = sum(p.numerator for p in weekly)
    denominator = sum(p.denominator for p in weekly)
    return Indicator(
        key=key,
        title=title,
        counts=counts,
        rate=wilson(numerator, denominator),
        sampled=sampled,
        weekly=weekly,
        target=target,
    )


def sample_report(
    *,
    teams: int = 4,
    notable: int = 6,
    team_name: str | None = None,
    finding_summary: str | None = None,
    chain_problem: str | None = None,
    seed: int = 14,
) -> ComplianceReport:
    """A realistic quarter; `team_name`/`finding_summary` replace the first team's name and the
    first notable finding's summary (to test escaping); `chain_problem` breaks the trail."""
    rng = random.Random(seed)
    indicators = [
        _indicator(key, title, counts, target, _weekly(rng, 0.96, 400), sampled=False)
        for key, title, counts, target in INDICATORS
    ]
    indicators.append(
        _indicator(
            "qa_compliance",
            "QA compliance items passed",
            "sampled evaluations passing every compliance item",
            0.9,
            _weekly(rng, 0.92, 6),
            sampled=True,
        )
    )
    severities = ("critical", "high", "medium", "low")
    weekly_findings = tuple(
        (
            FIRST_MONDAY + timedelta(weeks=week),
            {s: rng.randint(0, n) for s, n in zip(severities, (1, 3, 6, 9), strict=True)},
        )
        for week in range(WEEKS)
    )
    checks = (
        ("recording_completeness", "Every call recorded as decided"),
        ("notice_audio", "The notice is heard in the audio"),
        ("consent_order", "Consent before recording"),
        ("retention_schedule", "Recordings kept no longer than the schedule"),
    )
    findings = tuple(
        CheckFindings(
            check=name,
            title=title,
            by_severity={s: rng.randint(0, 12) for s in severities},
            by_status={
                "open": rng.randint(0, 9),
                "acknowledged": rng.randint(0, 4),
                "resolved": rng.randint(0, 20),
                "accepted_risk": rng.randint(0, 2),
            },
        )
        for name, title in checks
    )
    notables = tuple(
        NotableFinding(
            finding_id=1000 + i,
            check=checks[i % len(checks)][0],
            severity=("critical", "high")[i % 2],
            status=("open", "acknowledged")[i % 2],
            summary=(
                finding_summary
                if i == 0 and finding_summary
                else f"Call CA-{4000 + i} was recorded although the decision said not to"
            ),
            citation="Cal. Penal Code § 632" if i % 3 == 0 else "Policy § 4.2 (notice)",
            first_seen=START + timedelta(days=3 + i, hours=i % 9),
        )
        for i in range(notable)
    )
    team_rows = []
    for i in range(teams):
        calls = rng.randint(200, 900)
        recordings = calls - rng.randint(0, 20)
        evaluations = rng.randint(0, 12)
        passed = rng.randint(0, evaluations)
        team_rows.append(
            TeamRow(
                team=team_name
                if i == 0 and team_name
                else f"Team {chr(65 + i % 26)}{i // 26 or ''}",
                calls=calls,
                recordings=recordings,
                recorded_as_decided=wilson(calls - rng.randint(0, 5), calls),
                notice_verified=wilson(recordings - rng.randint(0, 30), recordings),
                findings=rng.randint(0, 25),
                qa_evaluations=evaluations,
                qa_pass=wilson(passed, evaluations),
                qa_mean_score=round(rng.uniform(70, 98), 1) if evaluations else None,
            )
        )
    qa_items = tuple(
        QaItem("Inbound service v3", question, wilson(rng.randint(60, 75), 75))
        for question in (
            "The agent read the recording notice word for word",
            "Payment details were taken with the secure pause on",
            "The caller's objection to recording was honoured",
        )
    )
    qa_rate = indicators[-1].rate
    return ComplianceReport(
        period_start=START,
        period_end=END,
        generated_at=GENERATED,
        generated_by="user:officer",
        policy_versions=(7, 8),
        law_versions=("2026.3",),
        calls=sum(t.calls for t in team_rows),
        recordings=sum(t.recordings for t in team_rows),
        empty=False,
        indicators=tuple(indicators),
        findings=findings,
        findings_weekly=weekly_findings,
        notable=notables,
        teams=tuple(team_rows),
        qa=QaResults(evaluations=qa_rate.n, pass_rate=qa_rate, mean_score=88.4, items=qa_items),
        chain=ChainStatus(
            verified=chain_problem is None,
            events=18342,
            first_seq=120044,
            last_seq=138385,
            problem=chain_problem,
            checkpoint_seq=138000,
            checkpoint_at=datetime(2026, 9, 30, 23, 0, tzinfo=UTC),
        ),
        methods=(
            Method("Findings", "findings of the period's check runs, by the week first seen"),
            Method("QA sample", "a stratified random sample of stored recordings, by team"),
        ),
        sections=(
            Section(
                key="training",
                title="Training and acknowledgements",
                summary="Most agents completed the annual course; three are overdue.",
                columns=("Course", "Assigned", "Completed"),
                rows=(("Call recording basics", "120", "117"),),
            ),
        ),
        notes=(),
        check_runs=("run 41 (2026-10-01)",),
    )


def empty_report() -> ComplianceReport:
    """A period with no calls, as `gather` gives it."""
    nothing = Rate(0, 0, 0.0, 0.0, 1.0)
    return ComplianceReport(
        period_start=START,
        period_end=END,
        generated_at=GENERATED,
        generated_by="user:officer",
        policy_versions=(),
        law_versions=("2026.3",),
        calls=0,
        recordings=0,
        empty=True,
        indicators=tuple(
            Indicator(key, title, counts, nothing, sampled=False, target=target)
            for key, title, counts, target in INDICATORS
        ),
        findings=(),
        findings_weekly=(),
        notable=(),
        teams=(),
        qa=QaResults(evaluations=0, pass_rate=nothing, mean_score=None, items=()),
        chain=ChainStatus(True, 0, None, None, None, None, None),
        methods=(),
        notes=("No calls were made in this period, so the report shows no rates.",),
    )
