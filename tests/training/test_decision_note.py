"""A call's decision notes that its agent's training is overdue, when the policy makes such
calls findings (`training.overdue: call_findings`); it never changes the outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml

from callwarden.calls import service as calls
from callwarden.calls.schemas import CallCreate
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import DecisionRecord
from callwarden.training import service
from tests.training.conftest import EXAMPLE_COURSE, EXAMPLE_POLICY, START, Org, apply_policy
from tests.training.test_overdue_check import CALL_FINDINGS, _take

TITLE = yaml.safe_load(EXAMPLE_COURSE)["title"]
OVERDUE_DAY = START + timedelta(days=35)  # the example course is due 30 days after publishing


def _publish(org: Org, policy: str) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db, policy)
        with org.db.unit_of_work() as session:
            service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)


def _call(org: Org, agent: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A call the agent takes on the overdue day: its decision as answered and as stored."""
    body = CallCreate.model_validate(
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-CA"}, {"role": "agent"}],
            "agent": agent,
        }
    )
    with clock.frozen_at(OVERDUE_DAY), org.db.unit_of_work() as session:
        made = calls.create_call(session, SYSTEM, body)
        stored = session.get(DecisionRecord, made.call.decision_id)
        assert stored is not None
        return made.decision, stored.outcome


def test_an_overdue_agents_call_is_noted_in_its_decision(org: Org) -> None:
    _publish(org, CALL_FINDINGS)
    answered, stored = _call(org, "ben")
    (note,) = stored["notes"]
    assert "training is overdue" in note
    assert f"course {TITLE!r}" in note
    assert "acknowledgement of policy version 1" in note
    assert answered["notes"] == stored["notes"]


def test_a_current_agent_or_another_consequence_notes_nothing(org: Org) -> None:
    _publish(org, CALL_FINDINGS)
    with clock.frozen_at(START + timedelta(days=1)):
        _take(org, "ada")  # the course, but not the policy's acknowledgement
    _, stored = _call(org, "ada")
    (note,) = stored["notes"]
    assert TITLE not in note  # only the acknowledgement is owed
    assert "acknowledgement of policy version 1" in note


def test_the_note_does_not_change_the_outcome_nor_appear_under_another_policy(org: Org) -> None:
    _publish(org, EXAMPLE_POLICY)  # training.overdue: finding (the default)
    _, plain = _call(org, "ben")
    assert plain["notes"] == []
    with clock.frozen_at(START + timedelta(days=1)):
        apply_policy(org.db, CALL_FINDINGS)
    _, noted = _call(org, "ben")
    assert noted["notes"]
    for key in ("record", "consent", "governing_rule", "reasons", "scope_rule"):
        assert noted[key] == plain[key]
