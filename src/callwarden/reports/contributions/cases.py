"""The report's cases section: the period's concerns and disputes as counts, per kind.

Filed, decided (by outcome), decided after the due date and appealed are events of the period
(the moment on the case falls inside it); open and overdue are as they stood at the period's
end, read from the case's own moments so a report for last quarter says the same tomorrow.
Time to decision is counted in working days (Monday to Friday, as the policy's answer time is),
from the filing, or from the appeal for a decision on appeal. Only counts leave this module:
never who reported a case, whom it is about, or what anyone wrote in it.

Two queries: the tallies per kind as conditional sums in the database, and the filing (or
appeal) and decision moments of the cases decided in the period, for the median and the mean.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import QueryableAttribute, Session

from callwarden.cases import wording
from callwarden.checks.registry import Period
from callwarden.kit.working_days import between
from callwarden.models import Case
from callwarden.qa.rates import wilson
from callwarden.reports.model import Indicator, Method, Section
from callwarden.reports.sections import SectionContext, section

MEASURES = (
    "filed",
    "decided",
    "upheld",
    "partly_upheld",
    "not_upheld",
    "decided_late",
    "open_at_end",
    "overdue_at_end",
    "appealed",
)
COLUMNS = (
    "Kind",
    "Filed",
    "Decided",
    "Upheld / partly / not upheld",
    "Open at the end",
    "Of them overdue",
    "Appealed",
    "Working days to decision (median / mean)",
)
ALL_KINDS = "all kinds"


@dataclass
class Tally:
    """One kind's counts for the period, and its decisions' working days."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    days: list[int] = field(default_factory=list)

    def median(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    def mean(self) -> float | None:
        return round(statistics.fmean(self.days), 1) if self.days else None


def _within(column: QueryableAttribute[Any], period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _conditions(period: Period) -> dict[str, ColumnElement[bool]]:
    """Each measure as a condition on one case row."""
    end = period.end
    decided = and_(_within(Case.decided_at, period), Case.outcome.is_not(None))
    undecided_now = Case.state.in_(wording.UNDECIDED)
    # Undecided now: it was at the end too, unless it was decided before the end and appealed
    # only after it. Decided or closed now: it was undecided at the end when that came later.
    not_appealed_later = or_(
        Case.appealed_at.is_(None),
        Case.appealed_at < end,
        Case.decided_at.is_(None),
        Case.decided_at >= end,
    )
    open_at_end = and_(
        Case.filed_at < end,
        or_(
            and_(undecided_now, not_appealed_later),
            and_(not_(undecided_now), Case.decided_at >= end),
            and_(
                not_(undecided_now),
                Case.decided_at.is_(None),
                or_(Case.closed_at.is_(None), Case.closed_at >= end),
            ),
        ),
    )
    return {
        "filed": _within(Case.filed_at, period),
        "decided": decided,
        "upheld": and_(decided, Case.outcome == "upheld"),
        "partly_upheld": and_(decided, Case.outcome == "partly_upheld"),
        "not_upheld": and_(decided, Case.outcome == "not_upheld"),
        "decided_late": and_(decided, Case.decided_at > Case.due_at),
        "open_at_end": open_at_end,
        "overdue_at_end": and_(open_at_end, Case.due_at < end),
        "appealed": _within(Case.appealed_at, period),
    }


def tallies(session: Session, period: Period) -> dict[str, Tally]:
    """Per kind, the period's counts and its decisions' working days (kinds with no case
    touching the period are left out)."""
    conditions = _conditions(period)
    sums = [func.sum(when((condition, 1), else_=0)) for condition in conditions.values()]
    by_kind: dict[str, Tally] = {}
    rows = session.execute(
        select(Case.kind, *sums).where(Case.filed_at < period.end).group_by(Case.kind)
    )
    for kind, *counts in rows:
        tally = Tally(dict(zip(conditions, (int(c or 0) for c in counts), strict=True)))
        if any(tally.counts.values()):
            by_kind[kind] = tally
    decisions = session.execute(
        select(Case.kind, Case.filed_at, Case.appealed_at, Case.decided_at).where(
            conditions["decided"]
        )
    )
    for kind, filed_at, appealed_at, decided_at in decisions:
        assert decided_at is not None  # the condition asks for it
        started = appealed_at if appealed_at is not None and appealed_at < decided_at else filed_at
        by_kind.setdefault(kind, Tally()).days.append(between(started, decided_at))
    return by_kind


def _total(by_kind: Mapping[str, Tally]) -> Tally:
    total = Tally()
    for tally in by_kind.values():
        for measure, value in tally.counts.items():
            total.counts[measure] += value
        total.days.extend(tally.days)
    return total


def _days(tally: Tally) -> str:
    median, mean = tally.median(), tally.mean()
    return "—" if median is None or mean is None else f"{median:g} / {mean:g}"


def _row(name: str, tally: Tally) -> tuple[str, ...]:
    c = tally.counts
    return (
        name,
        str(c["filed"]),
        str(c["decided"]),
        f"{c['upheld']} / {c['partly_upheld']} / {c['not_upheld']}",
        str(c["open_at_end"]),
        str(c["overdue_at_end"]),
        str(c["appealed"]),
        _days(tally),
    )


def _figures(total: Tally, by_kind: Mapping[str, Tally]) -> dict[str, int | float | None]:
    """The totals under each measure's name, then each kind's under `measure.kind`."""
    figures: dict[str, int | float | None] = dict(total.counts)
    figures["working_days_to_decision.median"] = total.median()
    figures["working_days_to_decision.mean"] = total.mean()
    for kind in sorted(set(wording.KINDS) | set(by_kind)):
        tally = by_kind.get(kind, Tally())
        figures.update({f"{measure}.{kind}": value for measure, value in tally.counts.items()})
        figures[f"working_days_to_decision.median.{kind}"] = tally.median()
        figures[f"working_days_to_decision.mean.{kind}"] = tally.mean()
    return figures


def _some(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summary(total: Tally, by_kind: Mapping[str, Tally]) -> str:
    """The section in one paragraph of words."""
    c = total.counts
    if not any(c.values()):
        return "No concern or dispute was filed, decided, appealed or open in the period."
    kinds = ", ".join(
        wording.kinds(kind, tally.counts["filed"])
        for kind, tally in sorted(by_kind.items())
        if tally.counts["filed"]
    )
    filed = _some(c["filed"], "case was", "cases were") + " filed"
    if kinds:
        filed += f" ({kinds})"
    decided = "none was decided"
    median, mean = total.median(), total.mean()
    if c["decided"] and median is not None and mean is not None:
        outcomes = ", ".join(
            f"{c[key]} {wording.outcome(key)}" for key in ("upheld", "partly_upheld", "not_upheld")
        )
        decided = (
            f"{c['decided']} {'was' if c['decided'] == 1 else 'were'} decided ({outcomes}), "
            f"{c['decided_late']} of them after the due date, in a median of {median:g} "
            f"working days (mean {mean:g})"
        )
    appealed = _some(c["appealed"], "decision was", "decisions were")
    return (
        f"In the period {filed}; {decided}; {appealed} appealed. At the period's end "
        f"{c['open_at_end']} still awaited a decision, {c['overdue_at_end']} of them past the "
        "due date."
    )


METHODS = (
    Method(
        figure="Cases filed, decided, appealed",
        counts="concerns and disputes whose filing, decision (by its outcome) or appeal fell in "
        "the period; a decision counts once, by the case's latest decision",
    ),
    Method(
        figure="Cases open and overdue at the end",
        counts="cases filed before the period's end and not decided by it (in review after an "
        "appeal counts as open); overdue when their due date, the policy's "
        "cases.answer_within_working_days, had passed by then",
    ),
    Method(
        figure="Cases decided in time",
        counts="decisions of the period made by the case's due date / decisions of the period",
    ),
    Method(
        figure="Working days to decision",
        counts="for each decision of the period, the working days (Monday to Friday, UTC; "
        "public holidays counted as working days) after the filing day, or the appeal's day "
        "for a decision on appeal, up to the decision day; the median and the mean",
    ),
)


@section("cases")
def cases(session: Session, period: Period, context: SectionContext) -> Section:
    """Always present: a period with no case says so, which is itself worth reporting."""
    by_kind = tallies(session, period)
    total = _total(by_kind)
    decided, late = total.counts["decided"], total.counts["decided_late"]
    indicators: tuple[Indicator, ...] = ()
    if decided:
        indicators = (
            Indicator(
                key="cases_decided_in_time",
                title="Cases decided in time",
                counts="decisions made by the due date / decisions of the period",
                rate=wilson(decided - late, decided),
                sampled=False,
            ),
        )
    rows: tuple[tuple[str, ...], ...] = ()
    if any(total.counts.values()):
        ordered = sorted(by_kind.items())
        rows = (*(_row(wording.kind(k), t) for k, t in ordered), _row(ALL_KINDS, total))
    return Section(
        key="cases",
        title="Concerns and disputes",
        summary=summary(total, by_kind),
        columns=COLUMNS if rows else (),
        rows=rows,
        indicators=indicators,
        methods=METHODS,
        figures=_figures(total, by_kind),
    )
