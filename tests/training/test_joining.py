"""A person who joins or gets a new role is given what their new audience takes: identity's
`create_user` and `change_role` assign it in their own transaction, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callwarden.identity import accounts
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.kit.errors import Conflict
from callwarden.models import AuditEvent, TrainingAssignment, User
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
        accounts.change_role(session, SYSTEM, "aud", "agent")  # assigns, in this transaction
    assert _reasons(org, auditor.id) == [("course", "new_role"), ("policy", "published")]
    assert _assigned_events(org, auditor.id) == [{"reason": "new_role", "subjects": 1}]
    with org.db.unit_of_work() as session:  # nothing new the second time
        again = session.get(User, auditor.id)
        assert again is not None
        assert joining.on_person_changed(session, "system", again, "new_role") == []


def _assigned_events(org: Org, user_id: str) -> list[dict[str, object]]:
    with org.db.reading() as session:
        rows = session.execute(
            select(AuditEvent.data).where(
                AuditEvent.action == "training.assigned", AuditEvent.target == f"user:{user_id}"
            )
        ).scalars()
        return [{"reason": d["reason"], "subjects": len(d["subjects"])} for d in rows]


def test_a_refused_role_change_assigns_nothing(org: Org) -> None:
    apply_policy(org.db)
    with org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    with pytest.raises(Conflict), org.db.unit_of_work() as session:
        accounts.change_role(session, SYSTEM, "aud", "agent")
        raise Conflict("the change is rolled back after assigning")
    assert _reasons(org, org.people["aud"].id) == [("policy", "published")]


def test_a_newcomer_gets_the_course_and_the_policy_in_force(org: Org) -> None:
    apply_policy(org.db)
    with org.db.unit_of_work() as session:
        service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
    newcomer = make_user(org.db, "agent", "nia", "beta")  # identity.create_user assigns
    assert _reasons(org, newcomer.id) == [("course", "joined_team"), ("policy", "joined_team")]
    assert _assigned_events(org, newcomer.id) == [{"reason": "joined_team", "subjects": 2}]
    outsider = make_user(org.db, "auditor", "ola")  # not in the course's audience
    assert _reasons(org, outsider.id) == [("policy", "joined_team")]
