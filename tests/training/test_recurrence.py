"""A course with a recurrence comes due again a recurrence after each person completed it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from callwarden.config import Settings
from callwarden.kit import clock
from callwarden.models import TrainingAssignment
from callwarden.training import assigning, service
from tests.training.conftest import EXAMPLE_COURSE, START, Org
from tests.training.test_service import RIGHT

YEAR_ON = START.replace(year=START.year + 1)  # the example course recurs yearly (P1Y)


def _due(org: Org, when: datetime) -> int:
    with clock.frozen_at(when), org.db.unit_of_work() as session:
        return assigning.assign_recurrences(session, "system")


def test_a_new_round_comes_a_recurrence_after_completion_and_only_once(org: Org) -> None:
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
        (mine,) = service.my_assignments(session, org.who("ada"))
        service.take_quiz(session, org.who("ada"), mine.id, RIGHT)
    assert _due(org, YEAR_ON - timedelta(days=1)) == 0
    assert _due(org, YEAR_ON) == 1  # ada only: nobody else completed it
    assert _due(org, YEAR_ON + timedelta(days=1)) == 0
    with org.db.reading() as session:
        rows = session.execute(
            select(TrainingAssignment.round, TrainingAssignment.reason, TrainingAssignment.due_at)
            .where(TrainingAssignment.user_id == org.people["ada"].id)
            .order_by(TrainingAssignment.round)
        ).all()
    assert [(row[0], row[1]) for row in rows] == [(1, "published"), (2, "recurrence")]
    assert rows[1][2] == YEAR_ON + timedelta(days=30)


def test_a_course_without_a_recurrence_never_comes_due_again(org: Org) -> None:
    text = EXAMPLE_COURSE.replace("recurrence: P1Y", "recurrence: none")
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), text)
        (mine,) = service.my_assignments(session, org.who("ada"))
        service.take_quiz(session, org.who("ada"), mine.id, RIGHT)
    assert _due(org, YEAR_ON + timedelta(days=400)) == 0


def test_the_daily_job_assigns_the_rounds_that_came_due(org: Org, settings: Settings) -> None:
    from callwarden.jobs import JobContext, registered
    from callwarden.training.tasks import recurrences

    assert "training.recurrences" in registered()
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
        (mine,) = service.my_assignments(session, org.who("ada"))
        service.take_quiz(session, org.who("ada"), mine.id, RIGHT)
    with clock.frozen_at(YEAR_ON):
        assert recurrences(JobContext(settings, org.db)) == 1
        assert recurrences(JobContext(settings, org.db)) == 0  # idempotent
