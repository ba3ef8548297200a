"""The report's training section: per course (and policy acknowledgement) and team, how many
were assigned, completed, overdue, the completion rate and the mean best score.

Training is a standing, not an event of the period: who is current is counted as of the
report's moment, over every assignment made up to the period's end, so a report for last
quarter shows what was asked by then and how it stands now (the methods say so). One query for
the tallies (`training.records_repository.tallies`), one for the course titles.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.checks.registry import Period
from callwarden.qa.rates import Rate, wilson
from callwarden.reports.model import Indicator, Method, Section
from callwarden.reports.sections import SectionContext, section
from callwarden.training import records_repository, repository
from callwarden.training.records_repository import Tally

COLUMNS = (
    "Training",
    "Team",
    "Assigned",
    "Completed",
    "Completion rate",
    "Overdue",
    "Average score",
)
ALL_TEAMS = "all teams"
NO_TEAM = "no team"


def _names(session: Session) -> dict[str, str]:
    """Each course subject's name for people ("Title (version n)")."""
    return {
        f"course:{row.id}": f"{row.title} (version {row.version})"
        for row in repository.course_versions(session)
    }


def _name(subject: str, names: dict[str, str]) -> str:
    if subject.startswith("policy:"):
        return f"Policy version {subject.split(':', 1)[1]} acknowledgement"
    return names.get(subject, subject)


def _rate(assigned: int, completed: int) -> str:
    return wilson(completed, assigned).describe() if assigned else "—"


def _row(name: str, team: str, tally: Tally) -> tuple[str, ...]:
    assigned, completed = tally.assigned, tally.completed
    rate = f"{completed / assigned * 100:.1f}%" if assigned else "—"
    average = "—" if tally.average_score is None else f"{tally.average_score:.1f}"
    return (name, team, str(assigned), str(completed), rate, str(tally.overdue), average)


@section("training")
def training(session: Session, period: Period, context: SectionContext) -> Section | None:
    totals = records_repository.tallies(
        session, context.now, assigned_before=period.end, by_team=False
    )
    if not totals:
        return None
    teams: dict[str, list[Tally]] = {}
    for tally in records_repository.tallies(session, context.now, assigned_before=period.end):
        teams.setdefault(tally.subject, []).append(tally)
    names = _names(session)
    rows: list[tuple[str, ...]] = []
    for total in totals:
        name = _name(total.subject, names)
        rows.append(_row(name, ALL_TEAMS, total))
        parts = teams.get(total.subject, [])
        if len(parts) > 1 or (parts and parts[0].team is not None):
            rows.extend(_row(name, t.team or NO_TEAM, t) for t in parts)
    tallies = totals
    assigned = sum(t.assigned for t in tallies)
    completed = sum(t.completed for t in tallies)
    overdue = sum(t.overdue for t in tallies)
    rate: Rate = wilson(completed, assigned)
    return Section(
        key="training",
        title="Training and acknowledgements",
        summary=f"{completed} of {assigned} training assignments "
        f"({len(totals)} course(s) and policy acknowledgement(s)) are completed "
        f"({_rate(assigned, completed)}); {overdue} are overdue.",
        columns=COLUMNS,
        rows=tuple(rows),
        indicators=(
            Indicator(
                key="training_completed",
                title="Training completed",
                counts="assignments completed / assignments made by the period's end",
                rate=rate,
                sampled=False,
            ),
        ),
        methods=(
            Method(
                figure="Training assigned, completed, overdue",
                counts="every course and policy-acknowledgement assignment made before the "
                "period's end (one per person, subject and round), counted as it stands at the "
                "report's moment: completed, or overdue when past its due date and not completed",
            ),
            Method(
                figure="Training average score",
                counts="the mean of each assignment's best quiz score (0–100); assignments "
                "with no attempt are left out",
            ),
        ),
    )
