"""The SQL of the report's rates over every call: one grouped statement per figure.

Each figure is counted per (team, week) in the database, and the report adds the cells up into
the period's rate, its weekly series and the per-team table, so a quarter of a hundred thousand
calls is a handful of GROUP BY statements, never a loop over calls. The conditions are the
checks' own (`checks.catalogue.completeness`, `notice_audio`, `secure_pause`; the consent
judgement of `consent`), so a rate and the findings of its check count the same calls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, case, exists, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

from callwarden.checks.catalogue.completeness import has_recording, owes_recording
from callwarden.checks.catalogue.consent import CONSENTED
from callwarden.checks.catalogue.notice_audio import analysed, notice_verified, recorded_in
from callwarden.checks.catalogue.secure_pause import paused, payment_call
from callwarden.checks.registry import Period
from callwarden.models import Call, CallParty, DecisionRecord, Recording, Team
from callwarden.reports.epoch import epoch_seconds
from callwarden.reports.weeks import week_of

ALL_PARTY = ("all-party", "all_party")
Column = QueryableAttribute[Any] | ColumnElement[Any]


@dataclass
class Tally:
    """Numerator and denominator per (team id, week index): what one figure counted."""

    cells: dict[tuple[str | None, int], tuple[int, int]] = field(default_factory=dict)

    def total(self) -> tuple[int, int]:
        return sum(k for k, _ in self.cells.values()), sum(n for _, n in self.cells.values())

    def by_week(self, weeks: int) -> list[tuple[int, int]]:
        series = [(0, 0)] * weeks
        for (_, week), (k, n) in self.cells.items():
            old_k, old_n = series[week]
            series[week] = (old_k + k, old_n + n)
        return series

    def by_team(self) -> dict[str | None, tuple[int, int]]:
        teams: dict[str | None, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for (team, _), (k, n) in self.cells.items():
            old_k, old_n = teams[team]
            teams[team] = (old_k + k, old_n + n)
        return dict(teams)


def _tally(
    session: Session,
    period: Period,
    team: Column,
    moment: Column,
    hit: ColumnElement[bool] | None,
    where: list[ColumnElement[bool]],
    source: FromClause | None = None,
) -> Tally:
    """Count the rows matching `where` (and of them those matching `hit`) per team and week.

    The week is computed in an inner select and grouped outside it: PostgreSQL would not take
    the same CASE twice (once selected, once grouped by) with its parameters bound twice."""
    marked = case((hit, 1), else_=0) if hit is not None else None
    columns: list[Any] = [team.label("team"), week_of(moment, period).label("week")]
    if marked is not None:
        columns.append(marked.label("hit"))
    inner = select(*columns).where(*where)
    if source is not None:
        inner = inner.select_from(source)
    rows = inner.subquery()
    hits = func.coalesce(func.sum(rows.c.hit), 0) if marked is not None else func.count()
    grouped = select(rows.c.team, rows.c.week, hits, func.count()).group_by(
        rows.c.team, rows.c.week
    )
    return Tally(
        {(team_id, int(week)): (int(k), int(n)) for team_id, week, k, n in session.execute(grouped)}
    )


def _calls_in(period: Period) -> ColumnElement[bool]:
    return and_(Call.started_at >= period.start, Call.started_at < period.end)


def calls(session: Session, period: Period) -> Tally:
    """The calls that started in the period (every cell's numerator is its count)."""
    return _tally(session, period, Call.team_id, Call.started_at, None, [_calls_in(period)])


def recordings(session: Session, period: Period) -> Tally:
    """The recordings that began in the period."""
    return _tally(
        session, period, Recording.team_id, Recording.started_at, None, [recorded_in(period)]
    )


def recorded_as_decided(session: Session, period: Period, settled: datetime) -> Tally:
    """Of the calls that owed a recording (completeness's definition), those that have one."""
    return _tally(
        session,
        period,
        Call.team_id,
        Call.started_at,
        has_recording(),
        [owes_recording(period, settled)],
    )


def notice_verified_share(session: Session, period: Period) -> Tally:
    """Of the period's analysed recordings, those whose notice the audio check verified."""
    return _tally(
        session,
        period,
        Recording.team_id,
        Recording.started_at,
        notice_verified(),
        [recorded_in(period), analysed()],
    )


def consent_before_recording(session: Session, period: Period, tolerance_s: int) -> Tally:
    """Of the recorded all-party calls with a party needing consent (by the first recording
    that began in the period), those where every such party consented in time, as the
    consent check judges it: `given` (or `implied`), no later than the recording began or the
    party joined, with the policy's clock tolerance."""
    began = (
        select(Recording.call_id, func.min(Recording.started_at).label("began"))
        .where(recorded_in(period))
        .group_by(Recording.call_id)
        .subquery()
    )
    consented_at = epoch_seconds(CallParty.consent_at) - tolerance_s
    in_time = and_(
        CallParty.consent_status.in_(CONSENTED),
        CallParty.consent_at.is_not(None),
        or_(  # the plain comparisons first: most consents came before, and need no arithmetic
            CallParty.consent_at <= began.c.began,
            CallParty.consent_at <= CallParty.joined_at,
            consented_at <= epoch_seconds(began.c.began),
            consented_at <= epoch_seconds(CallParty.joined_at),
        ),
    )
    needing = and_(CallParty.call_id == Call.id, CallParty.needs_consent.is_(True))
    late_or_missing = exists().where(needing, ~in_time)
    return _tally(
        session,
        period,
        Call.team_id,
        began.c.began,
        ~late_or_missing,
        [Call.governing_rule.in_(ALL_PARTY), exists().where(needing)],
        source=Call.__table__.join(began, began.c.call_id == Call.id),
    )


def secure_pause_used(session: Session, period: Period) -> Tally:
    """Of the period's payment calls (secure_pause's definition), those with a pause."""
    return _tally(
        session,
        period,
        Call.team_id,
        Call.started_at,
        paused(),
        [_calls_in(period), payment_call()],
    )


def versions(session: Session, period: Period) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The policy and law versions the decisions of the period's calls used."""
    query = (
        select(DecisionRecord.policy_version, DecisionRecord.law_version)
        .join(Call, Call.decision_id == DecisionRecord.id)
        .where(_calls_in(period))
        .distinct()
    )
    rows = session.execute(query).all()
    policies = tuple(sorted({int(policy) for policy, _ in rows}))
    laws = tuple(sorted({str(law) for _, law in rows}))
    return policies, laws


def team_names(session: Session, team_ids: set[str]) -> dict[str, str]:
    """The names of these teams (a team id no longer in the table keeps its id as name)."""
    if not team_ids:
        return {}
    query = select(Team.id, Team.name).where(Team.id.in_(sorted(team_ids)))
    names = {str(team_id): str(name) for team_id, name in session.execute(query)}
    return {team_id: names.get(team_id, team_id) for team_id in team_ids}
