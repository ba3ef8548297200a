"""A person who joins or gets a new role is given what their new audience takes."""

from __future__ import annotations

from sqlalchemy import select

from callwarden.identity import accounts
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import TrainingAssignment, User
from callwarden.training import joining, service
from tests.support.factories import make_user
from tests.training.conftest import EXAMPLE_COURSE, START, Org, apply_policy


def _reasons(org: Org, user_id: str) -> list[tuple[str, str]]:
    with org.db.reading() as session:
        rows = session.execute(
            select(TrainingAssignment.subject, TrainingAssignment.reason).where(
                TrainingAssignment.user_id == user_id
            )
        )
        return sorted((subject.split(":")[0], reason) for subject, reason in rows)


def test_a_new_role_brings_the_courses_of_its_audience_and_the_policy(org: Org) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        with org.db.unit_of_work() as session:
            service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    auditor = org.people["aud"]
    assert _reasons(org, auditor.id) == [("policy", "published")]  # not in the course's audience
    with org.db.unit_of_work() as session:
        user = accounts.change_role(session, SYSTEM, "aud", "agent")
        made = joining.on_person_changed(session, "system", user, "new_role")
    assert [subject.split(":")[0] for subject in made] == ["course"]  # the policy: already had it
    assert _reasons(org, auditor.id) == [("course", "new_role"), ("policy", "published")]
    with org.db.unit_of_work() as session:  # nothing new the second time
        again = session.get(User, auditor.id)
        assert again is not None
        assert joining.on_person_changed(session, "system", again, "new_role") == []


def test_a_newcomer_gets_the_course_and_the_policy_in_force(org: Org) -> None:
    apply_policy(org.db)
    with org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    newcomer = make_user(org.db, "agent", "nia", "beta")
    with org.db.unit_of_work() as session:
        user = session.get(User, newcomer.id)
        assert user is not None
        made = joining.on_person_changed(session, "system", user, "joined_team")
    assert len(made) == 2
    assert _reasons(org, newcomer.id) == [("course", "joined_team"), ("policy", "joined_team")]
