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

from sqlalchemy import (
    ColumnElement,
    FromClause,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import QueryableAttribute, Session

from callwarden.checks.catalogue.completeness import has_recording, owes_recording
from callwarden.checks.catalogue.consent import CONSENTED
from callwarden.checks.catalogue.notice_audio import analysed, notice_verified, recorded_in
from callwarden.checks.catalogue.secure_pause import paused, payment_call
from callwarden.checks.registry import Period
from callwarden.models import Call, CallEvent, CallParty, DecisionRecord, Recording, Team
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


@dataclass(frozen=True)
class Figure:
    """One figure of a scan: the rows it counts (`among`, None for every row scanned) and,
    of them, its numerator (`hit`, None for all of them)."""

    among: ColumnElement[bool] | None = None
    hit: ColumnElement[bool] | None = None


def _flag(condition: ColumnElement[bool] | None) -> Any:
    return case((condition, 1), else_=0) if condition is not None else literal(1)


def _tallies(
    session: Session,
    period: Period,
    team: Column,
    moment: Column,
    where: list[ColumnElement[bool]],
    figures: dict[str, Figure],
    source: FromClause | None = None,
) -> dict[str, Tally]:
    """Count several figures in one scan of the rows matching `where`, per team and week.

    Each row is marked 1 or 0 per figure (counted, and hit) in an inner select, summed per
    team and week outside it: PostgreSQL would not take the same CASE twice (once selected,
    once grouped by) with its parameters bound twice."""
    columns: list[Any] = [team.label("team"), week_of(moment, period).label("week")]
    for name, figure in figures.items():
        both = (
            and_(figure.among, figure.hit)
            if figure.among is not None and figure.hit is not None
            else figure.hit
            if figure.hit is not None
            else figure.among
        )
        columns.append(_flag(figure.among).label(f"{name}_n"))
        columns.append(_flag(both).label(f"{name}_k"))
    inner = select(*columns).where(*where)
    if source is not None:
        inner = inner.select_from(source)
    rows = inner.subquery()
    sums = [
        func.coalesce(func.sum(rows.c[f"{name}_{part}"]), 0)
        for name in figures
        for part in ("k", "n")
    ]
    grouped = select(rows.c.team, rows.c.week, *sums).group_by(rows.c.team, rows.c.week)
    result = {name: Tally() for name in figures}
    for team_id, week, *counts in session.execute(grouped):
        for index, name in enumerate(figures):
            k, n = int(counts[2 * index]), int(counts[2 * index + 1])
            if n:
                result[name].cells[(team_id, int(week))] = (k, n)
    return result


def without_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT compiler off for this (read) transaction: the scans' many CASE
    and EXISTS columns make the planner's cost high enough to compile them, which took 1.7 s
    of a 1.7 s statement over 25,000 calls (the scan itself 30 ms)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _calls_in(period: Period) -> ColumnElement[bool]:
    return and_(Call.started_at >= period.start, Call.started_at < period.end)


def call_figures(session: Session, period: Period, settled: datetime) -> dict[str, Tally]:
    """One scan of the period's calls: `calls` (every call), `recorded_as_decided` (of the
    calls that owed a recording by `settled`, completeness's definition, those that have one)
    and `secure_pause_used` (of the payment calls, secure_pause's definition, those with a
    pause)."""
    return _tallies(
        session,
        period,
        Call.team_id,
        Call.started_at,
        [_calls_in(period)],
        {
            "calls": Figure(),
            "recorded_as_decided": Figure(owes_recording(period, settled), has_recording()),
            "secure_pause_used": Figure(payment_call(), paused()),
        },
    )


def recording_figures(session: Session, period: Period) -> dict[str, Tally]:
    """One scan of the period's recordings: `recordings` (every one that began in the period)
    and `notice_verified` (of the analysed ones, those whose notice the audio check
    verified, as notice_audio counts the share)."""
    return _tallies(
        session,
        period,
        Recording.team_id,
        Recording.started_at,
        [recorded_in(period)],
        {"recordings": Figure(), "notice_verified": Figure(analysed(), notice_verified())},
    )


def _no_later(moment: Any, due: tuple[Any, Any], tolerance_s: int) -> ColumnElement[bool]:
    """`moment` no later than either due moment, with the policy's clock tolerance (the plain
    comparisons first: most consents came before, and need no arithmetic)."""
    allowed = epoch_seconds(moment) - tolerance_s
    return or_(
        moment <= due[0],
        moment <= due[1],
        allowed <= epoch_seconds(due[0]),
        allowed <= epoch_seconds(due[1]),
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
    due = (began.c.began, CallParty.joined_at)
    given = exists().where(
        CallEvent.call_id == CallParty.call_id,
        CallEvent.party_key == CallParty.key,
        CallEvent.kind == "consent_given",
        CallEvent.accepted.is_(True),
    )
    given_in_time = given.where(_no_later(CallEvent.occurred_at, due, tolerance_s))
    in_time = or_(
        and_(
            CallParty.consent_status.in_(CONSENTED),
            CallParty.consent_at.is_not(None),
            _no_later(CallParty.consent_at, due, tolerance_s),
        ),
        # A party who withdrew consented first: the ledger's first `consent_given` says when
        # (the party's row now holds the withdrawal), or, with none, the notice that implied it.
        and_(
            CallParty.consent_status == "withdrawn",
            or_(
                given_in_time,
                and_(
                    ~given,
                    CallParty.notice_at.is_not(None),
                    _no_later(CallParty.notice_at, due, tolerance_s),
                ),
            ),
        ),
    )
    needing = and_(CallParty.call_id == Call.id, CallParty.needs_consent.is_(True))
    late_or_missing = exists().where(needing, ~in_time)
    return _tallies(
        session,
        period,
        Call.team_id,
        began.c.began,
        [Call.governing_rule.in_(ALL_PARTY), exists().where(needing)],
        {"consent": Figure(hit=~late_or_missing)},
        source=Call.__table__.join(began, began.c.call_id == Call.id),
    )["consent"]


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
