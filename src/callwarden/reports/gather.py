"""Reading a period's figures from the database into a `ComplianceReport`.

One read of the database, in the caller's (read-only) session: a handful of grouped statements
for the rates over every call (`figures`), the findings of the runs over the period
(`findings`), the QA sample (`qa_figures`), the period's stretch of the audit chain
(`audit.spans`), and each added section (`sections`). Everything after is arithmetic on those
counts. The renderers (JSON, HTML, PDF, the console) take the finished value.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from callwarden.audit.spans import verify_period
from callwarden.checks.catalogue.consent import timing
from callwarden.checks.findings import STATUSES
from callwarden.checks.registry import SEVERITIES, Period, registered
from callwarden.checks.thresholds import thresholds
from callwarden.config import Settings
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.policy import service as policies
from callwarden.qa.rates import wilson
from callwarden.reports import figures, methods
from callwarden.reports import findings as found
from callwarden.reports.figures import Tally
from callwarden.reports.model import (
    ChainStatus,
    CheckFindings,
    ComplianceReport,
    Indicator,
    TeamRow,
    WeekPoint,
)
from callwarden.reports.periods import checked
from callwarden.reports.qa_figures import QaFigures, gather_qa
from callwarden.reports.sections import SectionContext, gather_sections
from callwarden.reports.weeks import partial_weeks, week_dates

NO_TEAM = "no team"
NO_CALLS = (
    "There were no calls in the period {start} to {end}: there is nothing to measure, so the "
    "report shows no rates. The audit trail and the checks' findings are shown as they stand."
)
NOT_COVERED = (
    "No signed checkpoint covers the period's last audit event yet: those events are held by "
    "the hash chain alone until the next checkpoint is signed."
)


def _indicator(key: str, tally: Tally, weeks: list[date], sampled: bool, clause: str) -> Indicator:
    successes, n = tally.total()
    series = tally.by_week(len(weeks))
    return Indicator(
        key=key,
        title=methods.TITLES[key],
        counts=methods.COUNTS[key] + (f" {clause}" if clause else ""),
        rate=wilson(successes, n),
        sampled=sampled,
        weekly=tuple(WeekPoint(week, k, n) for week, (k, n) in zip(weeks, series, strict=True)),
        target=None,  # the policy document sets no target rates (yet)
    )


def _findings(session: Session, period: Period) -> tuple[CheckFindings, ...]:
    counts = found.by_check(session, period)
    checks = registered()
    names = list(checks) + sorted(name for name in counts if name not in checks)
    rows = []
    for name in names:
        parts = counts.get(name, {"severity": {}, "status": {}})
        statuses = {status: parts["status"].get(status, 0) for status in STATUSES}
        statuses |= {s: n for s, n in sorted(parts["status"].items()) if s not in STATUSES}
        rows.append(
            CheckFindings(
                check=name,
                title=checks[name].title if name in checks else name,
                by_severity=found.severity_order(parts["severity"]),
                by_status=statuses,
            )
        )
    return tuple(rows)


def _weekly_findings(
    session: Session, period: Period, weeks: list[date]
) -> tuple[tuple[date, dict[str, int]], ...]:
    opened = found.opened_by_week(session, period)
    return tuple(
        (week, {s: opened.get((index, s), 0) for s in reversed(SEVERITIES)})
        for index, week in enumerate(weeks)
    )


def _teams(
    session: Session, tallies: dict[str, Tally], qa: QaFigures, findings: dict[str | None, int]
) -> tuple[TeamRow, ...]:
    per_team = {key: tally.by_team() for key, tally in tallies.items()}
    ids: set[str | None] = set(qa.teams) | set(findings)
    for table in per_team.values():
        ids |= set(table)
    names = figures.team_names(session, {team for team in ids if team is not None})
    rows = []
    for team in ids:
        recorded = per_team["recorded_as_decided"].get(team, (0, 0))
        notice = per_team["notice_verified"].get(team, (0, 0))
        reviewed = qa.teams.get(team)
        rows.append(
            TeamRow(
                team=names[team] if team is not None else NO_TEAM,
                calls=per_team["calls"].get(team, (0, 0))[1],
                recordings=per_team["recordings"].get(team, (0, 0))[1],
                recorded_as_decided=wilson(*recorded),
                notice_verified=wilson(*notice),
                findings=findings.get(team, 0),
                qa_evaluations=reviewed.evaluations if reviewed else 0,
                qa_pass=wilson(reviewed.passed, reviewed.evaluations) if reviewed else wilson(0, 0),
                qa_mean_score=reviewed.mean if reviewed else None,
            )
        )
    return tuple(sorted(rows, key=lambda row: (row.team == NO_TEAM, row.team.casefold())))


def _chain(session: Session, settings: Settings, period: Period) -> ChainStatus:
    verdict = verify_period(session, settings, period.start, period.end)
    return ChainStatus(
        verified=verdict.verified,
        events=verdict.events,
        first_seq=verdict.first_seq,
        last_seq=verdict.last_seq,
        problem=verdict.problem,
        checkpoint_seq=verdict.checkpoint_seq,
        checkpoint_at=verdict.checkpoint_at,
    )


def _organisation(session: Session) -> str | None:
    """The name the policy in force gives the organisation, for the report's title."""
    try:
        return policies.active_compiled(session).document.organisation
    except NotFound:
        return None


def build(
    session: Session, principal: Principal, period: Period, settings: Settings
) -> ComplianceReport:
    """The compliance report for [period.start, period.end), as this principal may read it
    (the oversight roles: `reports.read`)."""
    require(principal, "reports.read")
    period = checked(period)
    figures.without_jit(session)
    now = clock.now()
    settled = now - timedelta(minutes=thresholds(session).recording_grace_minutes)
    _, tolerance_s = timing(session)
    weeks = week_dates(period)
    clause = partial_weeks(period)
    tallies = {
        **figures.call_figures(session, period, settled),
        **figures.recording_figures(session, period),
        "consent_before_recording": figures.consent_before_recording(session, period, tolerance_s),
    }
    qa = gather_qa(session, period)
    calls = tallies["calls"].total()[1]
    empty = calls == 0
    indicators: tuple[Indicator, ...] = ()
    if not empty:
        keyed = {key: tallies[key] for key in methods.TITLES if key in tallies}
        keyed["qa_compliance"] = qa.compliance
        indicators = tuple(
            _indicator(key, keyed[key], weeks, key == "qa_compliance", clause)
            for key in methods.TITLES
        )
    chain = _chain(session, settings, period)
    policy_versions, law_versions = figures.versions(session, period)
    notes = []
    if empty:
        notes.append(NO_CALLS.format(start=f"{period.start:%Y-%m-%d}", end=_last_day(period)))
    covered = chain.checkpoint_seq is not None and chain.checkpoint_seq >= (chain.last_seq or 0)
    if chain.events and not covered:
        notes.append(NOT_COVERED)
    checks = list(registered().values())
    return ComplianceReport(
        period_start=period.start,
        period_end=period.end,
        generated_at=now,
        generated_by=principal.actor,
        policy_versions=policy_versions,
        law_versions=law_versions,
        calls=calls,
        recordings=tallies["recordings"].total()[1],
        empty=empty,
        indicators=indicators,
        findings=_findings(session, period),
        findings_weekly=_weekly_findings(session, period, weeks),
        notable=found.notable(session, period),
        teams=() if empty else _teams(session, tallies, qa, found.by_team(session, period)),
        qa=qa.results,
        chain=chain,
        methods=tuple(
            methods.indicator_methods(clause)
            + methods.check_methods(checks)
            + methods.general_methods()
        ),
        sections=gather_sections(session, period, SectionContext(now, settings)),
        notes=tuple(notes),
        check_runs=found.run_ids(session, period),
        organisation=_organisation(session),
    )


def _last_day(period: Period) -> str:
    return f"{(period.end - timedelta(microseconds=1)):%Y-%m-%d}"
