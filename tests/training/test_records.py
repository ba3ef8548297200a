"""Records per person and rates per course and team; publishing to 20,000 people in time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import Forbidden, NotFound
from callwarden.models import User
from callwarden.training import records, service
from callwarden.training.quiz import Answers
from tests.training.conftest import EXAMPLE_COURSE, START, Org
from tests.training.test_service import RIGHT, WRONG


def _take(org: Org, username: str, answers: Answers) -> None:
    with org.db.unit_of_work() as session:
        (mine,) = service.my_assignments(session, org.who(username))
        service.take_quiz(session, org.who(username), mine.id, answers)


def test_a_persons_record_has_every_attempt_and_what_they_were_shown(org: Org) -> None:
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        published = service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    _take(org, "ada", WRONG)
    _take(org, "ada", RIGHT)
    with org.db.reading() as session:
        record = records.user_record(session, org.who("aud"), "ada")
        (assignment,) = record.assignments
        assert [a.passed for a in record.attempts[assignment.id]] == [False, True]
        assert record.fingerprints == {published.version.id: published.version.fingerprint}
        with pytest.raises(NotFound, match="no user named 'ada'"):  # another agent's
            records.user_record(session, org.who("ben"), "ada")


def test_whose_record_each_role_reads(org: Org) -> None:
    """The oversight roles everyone's, a supervisor their team's, a person their own; anyone
    else answers with the very words of a name nobody has. Integrations take no training."""
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    readable = {
        "olga": {"ada", "ben", "sue", "aud", "olga", "gone"},
        "aud": {"ada", "ben", "sue", "aud", "olga", "gone"},
        "sue": {"ada", "sue", "gone"},  # alpha, hers included
        "ada": {"ada"},
        "ben": {"ben"},
    }
    with org.db.reading() as session:
        for reader, names in readable.items():
            for name in ("ada", "ben", "sue", "aud", "olga", "gone", "nobody"):
                if name in names:
                    assert records.user_record(session, org.who(reader), name).user.username
                    continue
                with pytest.raises(NotFound) as refused:
                    records.user_record(session, org.who(reader), name)
                assert str(refused.value) == f"no user named {name!r}", (reader, name)
        pbx = Principal(actor="user:pbx", role=Role.INTEGRATION, user_id="usr_x")
        with pytest.raises(Forbidden):
            records.user_record(session, pbx, "ada")
        with pytest.raises(NotFound):
            records.person_export_rows(session, org.who("ben"), "ada")
        assert {
            row["username"] for row in records.person_export_rows(session, org.who("sue"), "ada")
        } == {"ada"}


def test_people_are_paged_by_username_with_their_counts(org: Org) -> None:
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    _take(org, "ada", RIGHT)
    with clock.frozen_at(START + timedelta(days=31)), org.db.reading() as session:
        first = records.people(session, org.who("aud"), None, 4)
        rest = records.people(session, org.who("aud"), first.next_cursor, 4)
        with pytest.raises(Forbidden):
            records.people(session, org.who("sue"))
    names = [row.username for row in first.rows + rest.rows]
    assert names == ["ada", "aud", "ben", "gone", "olga", "sue"]  # no service identity
    assert rest.next_cursor is None
    by_name = {row.username: row for row in first.rows + rest.rows}
    assert (by_name["ada"].assigned, by_name["ada"].completed, by_name["ada"].overdue) == (1, 1, 0)
    assert (by_name["ben"].assigned, by_name["ben"].overdue, by_name["ben"].team) == (1, 1, "beta")
    assert by_name["gone"].disabled_at is not None and by_name["aud"].assigned == 0


def test_rates_per_team_count_completions_overdue_and_the_mean_best_score(org: Org) -> None:
    with clock.frozen_at(START), org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    _take(org, "ada", WRONG)  # alpha: ada passes at the second attempt, sue never tries
    _take(org, "ada", RIGHT)
    _take(org, "ben", WRONG)  # beta: ben fails once
    with clock.frozen_at(START + timedelta(days=31)), org.db.reading() as session:
        found = {
            rate.tally.team: rate
            for rate in records.rates(session, org.who("olga"), "recording-basics")
        }
    assert set(found) == {"alpha", "beta", None}  # olga is on no team
    alpha, beta = found["alpha"], found["beta"]
    assert (alpha.tally.assigned, alpha.tally.completed, alpha.tally.overdue) == (2, 1, 1)
    assert alpha.completion_rate == 0.5
    assert alpha.tally.average_score == 100.0  # ada's best; sue has no attempt
    assert (beta.tally.completed, beta.tally.overdue, beta.tally.average_score) == (0, 1, 0.0)


def test_publishing_to_20000_people_is_quick(db: Database) -> None:
    rows = [
        {
            "id": f"usr_bulk{n:06d}",
            "username": f"bulk{n}",
            "display_name": f"Bulk {n}",
            "role": "agent",
            "created_at": START,
            "is_service": False,
            "password_temporary": False,
        }
        for n in range(20_000)
    ]
    with db.unit_of_work() as session:
        session.execute(insert(User), rows)
    officer = Principal(actor="user:olga", role=Role.COMPLIANCE_OFFICER)
    began = time.perf_counter()
    with db.unit_of_work() as session:
        published = service.publish_course(session, officer, EXAMPLE_COURSE)
    took = time.perf_counter() - began
    assert published.assigned == 20_000
    assert took < 10, f"publishing to 20,000 people took {took:.1f} s"
