"""The SQL of the report's findings: which runs and findings belong to the period, and their counts.

A finding belongs to the report when a check run whose period overlaps the report's first saw
it or last saw it: runs look at different periods (the daily job yesterday's calls), so a run
over any part of the period may have found something in it, and a finding seen again later
keeps being the same finding. Counts are grouped in the database; only the few notable
findings are read as rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from callwarden.checks.registry import SEVERITIES, Period
from callwarden.models import Call, CheckFinding, CheckRun
from callwarden.reports.model import NotableFinding
from callwarden.reports.weeks import week_of

NOTABLE_LIMIT = 50
NOTABLE_SEVERITIES = ("critical", "high", "medium")  # most serious first
NOTABLE_STATUSES = ("open", "acknowledged")
# A rule with no citation is the organisation's own policy (checks.registry.Rule says so).
OWN_POLICY = "the organisation's recording policy"


def _runs(period: Period) -> Select[str]:
    return select(CheckRun.id).where(
        CheckRun.period_start < period.end, CheckRun.period_end > period.start
    )


def run_ids(session: Session, period: Period) -> tuple[str, ...]:
    """The check runs whose period overlaps the report's, oldest first."""
    query = _runs(period).order_by(CheckRun.started_at, CheckRun.id)
    return tuple(str(run_id) for run_id in session.execute(query).scalars())


def counted(period: Period) -> ColumnElement[bool]:
    """The findings the report counts: first or last seen by one of those runs."""
    runs = _runs(period).scalar_subquery()
    return or_(CheckFinding.first_seen_run_id.in_(runs), CheckFinding.last_seen_run_id.in_(runs))


def by_check(session: Session, period: Period) -> dict[str, dict[str, dict[str, int]]]:
    """{check: {"severity": {severity: n}, "status": {status: n}}} of the counted findings."""
    query = (
        select(CheckFinding.check_name, CheckFinding.severity, CheckFinding.status, func.count())
        .where(counted(period))
        .group_by(CheckFinding.check_name, CheckFinding.severity, CheckFinding.status)
    )
    result: dict[str, dict[str, dict[str, int]]] = {}
    for check, severity, status, count in session.execute(query):
        parts = result.setdefault(check, {"severity": {}, "status": {}})
        parts["severity"][severity] = parts["severity"].get(severity, 0) + int(count)
        parts["status"][status] = parts["status"].get(status, 0) + int(count)
    return result


def opened_by_week(session: Session, period: Period) -> dict[tuple[int, str], int]:
    """{(week index, severity): opened} of the counted findings created in the period."""
    inner = (
        select(
            week_of(CheckFinding.created_at, period).label("week"),
            CheckFinding.severity.label("severity"),
        )
        .where(counted(period), _created_in(period))
        .subquery()
    )
    query = select(inner.c.week, inner.c.severity, func.count()).group_by(
        inner.c.week, inner.c.severity
    )
    return {(int(week), str(severity)): int(n) for week, severity, n in session.execute(query)}


def by_team(session: Session, period: Period) -> dict[str | None, int]:
    """Counted findings per team of the first call in their evidence (findings about no call,
    such as the security posture's, belong to no team's row)."""
    first_call = CheckFinding.evidence[("calls", 0)].as_string()
    query = (
        select(Call.team_id, func.count())
        .select_from(CheckFinding)
        .join(Call, Call.id == first_call)
        .where(counted(period))
        .group_by(Call.team_id)
    )
    return {team: int(n) for team, n in session.execute(query)}


def notable(session: Session, period: Period) -> tuple[NotableFinding, ...]:
    """The open or acknowledged findings of medium severity or above, the most serious first
    and then the newest, at most 50 (so a long tail of medium ones never hides a critical)."""
    rank = case(
        {severity: position for position, severity in enumerate(NOTABLE_SEVERITIES)},
        value=CheckFinding.severity,
    )
    query = (
        select(CheckFinding)
        .where(
            counted(period),
            CheckFinding.severity.in_(NOTABLE_SEVERITIES),
            CheckFinding.status.in_(NOTABLE_STATUSES),
        )
        .order_by(rank, CheckFinding.created_at.desc(), CheckFinding.id.desc())
        .limit(NOTABLE_LIMIT)
    )
    return tuple(_notable(row) for row in session.execute(query).scalars())


def _notable(row: CheckFinding) -> NotableFinding:
    rule: dict[str, Any] = row.rule or {}
    return NotableFinding(
        finding_id=row.id,
        check=row.check_name,
        severity=row.severity,
        status=row.status,
        summary=row.summary,
        citation=str(rule.get("citation") or OWN_POLICY),
        first_seen=row.created_at,
    )


def severity_order(counts: dict[str, int]) -> dict[str, int]:
    """Every severity, most serious first, with zeros: the same keys in every row."""
    return {severity: counts.get(severity, 0) for severity in reversed(SEVERITIES)} | {
        other: n for other, n in sorted(counts.items()) if other not in SEVERITIES
    }


def _created_in(period: Period) -> ColumnElement[bool]:
    return and_(CheckFinding.created_at >= period.start, CheckFinding.created_at < period.end)
