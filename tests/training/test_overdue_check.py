"""The training check: who is overdue (courses and the policy's acknowledgement), and, when the
policy asks for it, every call of the period an agent handled while overdue."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.kit import clock
from callwarden.policy import service as policies
from callwarden.training import acknowledging, service
from tests.checks.support import run_check
from tests.support import bulk
from tests.training.conftest import EXAMPLE_COURSE, EXAMPLE_POLICY, START, Org, apply_policy
from tests.training.test_service import RIGHT

CALL_FINDINGS = EXAMPLE_POLICY + "\ntraining:\n  overdue: call_findings\n"
LATER = START + timedelta(days=40)


def _take(org: Org, username: str) -> None:
    """Pass the course at the first attempt."""
    with org.db.unit_of_work() as session:
        mine = service.my_assignments(session, org.who(username))
        (course,) = [row for row in mine if row.subject.startswith("course:")]
        service.take_quiz(session, org.who(username), course.id, RIGHT)


def _acknowledge(org: Org, username: str) -> None:
    with org.db.unit_of_work() as session:
        row = policies.get_version(session)
        sha = hashlib.sha256(acknowledging.staff_text(row).encode()).hexdigest()
        acknowledging.acknowledge_policy(session, org.who(username), row.version, sha)


def _publish(org: Org, policy: str = EXAMPLE_POLICY) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db, policy)
        with org.db.unit_of_work() as session:
            service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)


def test_each_overdue_assignment_is_a_finding_keyed_by_person_subject_and_round(
    org: Org, settings: Settings
) -> None:
    _publish(org)
    with clock.frozen_at(START + timedelta(days=1)):
        _take(org, "ada")  # ada is current on both
        _acknowledge(org, "ada")
    period = Period(START, LATER)
    found = run_check(org.db, "training", period, LATER, settings)
    ben = org.people["ben"].id
    keys = {key for key in found if ben in key}
    assert len(keys) == 2  # the course and the policy's acknowledgement
    assert any(":policy:1:1" in key for key in keys)
    assert not any(org.people["ada"].id in key for key in found)
    assert not any(org.people["gone"].id in key for key in found)  # disabled: not asked
    (policy_finding,) = [found[key] for key in keys if ":policy:" in key]
    assert policy_finding.evidence.users == ("ben",)
    assert policy_finding.evidence.figures["what"] == "acknowledgement of policy version 1"
    assert policy_finding.evidence.figures["due"] == (START + timedelta(days=30)).isoformat()
    assert policy_finding.severity == "medium"  # ten days over
    assert not any(key.startswith("call:") for key in found)  # the default: no call findings
    again = run_check(org.db, "training", period, LATER, settings)
    assert set(again) == set(found)  # stable keys
    before_due = run_check(org.db, "training", period, START + timedelta(days=29), settings)
    assert before_due == {}


def test_calls_handled_while_overdue_are_findings_when_the_policy_says_so(
    org: Org, settings: Settings
) -> None:
    _publish(org, CALL_FINDINGS)
    ada, ben, sue = (org.people[name].id for name in ("ada", "ben", "sue"))
    with clock.frozen_at(START + timedelta(days=1)):
        _take(org, "ada")
        _acknowledge(org, "ada")
    with clock.frozen_at(START + timedelta(days=33)):  # sue catches up, late
        _take(org, "sue")
        _acknowledge(org, "sue")
    at = START.__add__
    rows = [
        bulk.new_row(1, at(timedelta(days=2)), agent_user_id=ben),  # not yet due
        bulk.new_row(2, at(timedelta(days=31)), agent_user_id=ben),  # overdue
        bulk.new_row(3, at(timedelta(days=31)), agent_user_id=ada),  # current
        bulk.new_row(4, at(timedelta(days=32)), agent_user_id=sue),  # overdue then
        bulk.new_row(5, at(timedelta(days=34)), agent_user_id=sue),  # current again
        bulk.new_row(6, at(timedelta(days=41)), agent_user_id=ben),  # outside the period
        bulk.new_row(7, at(timedelta(days=35)), agent_user_id=None),
    ]
    bulk.load(org.db, rows)
    found = run_check(org.db, "training", Period(START, LATER), LATER, settings)
    calls = {key: f for key, f in found.items() if key.startswith("call:")}
    assert set(calls) == {f"call:{rows[1].call_id}", f"call:{rows[3].call_id}"}
    ben_call = calls[f"call:{rows[1].call_id}"]
    assert ben_call.evidence.calls == (rows[1].call_id,)
    assert ben_call.evidence.users == ("ben",)
    assert ben_call.evidence.figures["overdue_assignments"] == 2
    assert not any(sue in key for key in found if key.startswith("overdue:"))  # current now
