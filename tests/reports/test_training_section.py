"""The report's training section, through `reports.gather.build`: per course and policy
acknowledgement, and per team, the assigned, completed, overdue, rate and mean best score."""

from __future__ import annotations

from datetime import timedelta

from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.reports.gather import build
from callwarden.reports.model import ComplianceReport
from callwarden.reports.periods import of_days
from callwarden.training import service
from callwarden.training.quiz import Answers
from tests.training.conftest import EXAMPLE_COURSE, START, Org, apply_policy, org
from tests.training.test_service import RIGHT, WRONG

__all__ = ["org"]
AUDITOR = Principal("user:auditor", Role.AUDITOR)


def _take(org: Org, username: str, answers: Answers) -> None:
    with org.db.unit_of_work() as session:
        mine = service.my_assignments(session, org.who(username))
        (course,) = [row for row in mine if row.subject.startswith("course:")]
        service.take_quiz(session, org.who(username), course.id, answers)


def _report(org: Org, settings: Settings, first: str, last: str) -> ComplianceReport:
    with clock.frozen_at(START + timedelta(days=31)), org.db.reading() as session:
        return build(session, AUDITOR, of_days(first, last), settings)


def test_the_report_shows_training_rates_per_course_and_team(org: Org, settings: Settings) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        with org.db.unit_of_work() as session:
            service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
        _take(org, "ada", RIGHT)  # alpha: ada passes; sue (alpha) never tries
        _take(org, "ben", WRONG)  # beta: ben fails once
    made = _report(org, settings, "2026-11-01", "2026-11-30")
    (part,) = [s for s in made.sections if s.key == "training"]
    rows = {(row[0], row[1]): row[2:] for row in part.rows}
    names = {name for name, _ in rows}
    assert any(name.startswith("Policy version 1") for name in names)
    (course,) = [name for name in names if "(version 1)" in name]
    # assigned, completed, rate, overdue, average score
    assert rows[(course, "all teams")] == ("4", "1", "25.0%", "3", "50.0")
    assert rows[(course, "alpha")] == ("2", "1", "50.0%", "1", "100.0")
    assert rows[(course, "beta")] == ("1", "0", "0.0%", "1", "0.0")
    (policy,) = [name for name in names if name.startswith("Policy version 1")]
    assert rows[(policy, "all teams")][:4] == ("5", "0", "0.0%", "5")
    (indicator,) = part.indicators
    assert (indicator.rate.successes, indicator.rate.n) == (1, 9)
    assert "1 of 9 training assignments" in part.summary
    assert [m.figure for m in part.methods] == [
        "Training assigned, completed, overdue",
        "Training average score",
    ]


def test_a_period_before_any_assignment_has_no_training_section(
    org: Org, settings: Settings
) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
    made = _report(org, settings, "2026-10-01", "2026-10-31")
    assert [s for s in made.sections if s.key == "training"] == []
