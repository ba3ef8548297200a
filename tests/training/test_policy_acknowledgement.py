"""A policy version asks its audience to acknowledge it when it is new or materially changed;
the acknowledgement names the exact text shown, and only the version in force is accepted."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.models import AuditEvent, PolicyAcknowledgement, TrainingAssignment
from callwarden.policy import service as policies
from callwarden.training import acknowledging
from tests.training.conftest import EXAMPLE_POLICY, START, Org, apply_policy

TYPO = EXAMPLE_POLICY.replace(
    "Quality assurance and coaching of agents.", "Quality assurance and the coaching of agents."
)
MATERIAL = EXAMPLE_POLICY.replace("notice_window_s: 15", "notice_window_s: 20")


def _assignments(org: Org) -> dict[str, list[str]]:
    """Subjects by username."""
    with org.db.reading() as session:
        rows = session.execute(select(TrainingAssignment.user_id, TrainingAssignment.subject))
        names = {user.id: name for name, user in org.people.items()}
        found: dict[str, list[str]] = {}
        for user_id, subject in rows:
            found.setdefault(names[user_id], []).append(subject)
        return {name: sorted(subjects) for name, subjects in found.items()}


def _shown(org: Org) -> tuple[int, str]:
    with org.db.reading() as session:
        row = policies.get_version(session)
        return row.version, hashlib.sha256(acknowledging.staff_text(row).encode()).hexdigest()


def _acknowledge(org: Org, username: str, version: int, sha: str) -> PolicyAcknowledgement:
    with org.db.unit_of_work() as session:
        return acknowledging.acknowledge_policy(session, org.who(username), version, sha)


def _state(org: Org, username: str, subject: str) -> str:
    with org.db.reading() as session:
        return session.execute(
            select(TrainingAssignment.state).where(
                TrainingAssignment.user_id == org.people[username].id,
                TrainingAssignment.subject == subject,
            )
        ).scalar_one()


def test_the_first_version_asks_every_person_to_acknowledge_it(org: Org) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
    subjects = _assignments(org)
    assert set(subjects) == {"ada", "ben", "sue", "aud", "olga"}  # not gone, not the pbx
    assert all(value == ["policy:1"] for value in subjects.values())
    with org.db.reading() as session:
        data = session.execute(
            select(AuditEvent.data).where(AuditEvent.action == "policy.applied")
        ).scalar_one()
    assert data["acknowledgements"] == {"assigned": 5, "material": True, "areas": []}


def test_an_immaterial_change_asks_nobody_and_a_material_one_asks_everyone(org: Org) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        assert apply_policy(org.db, TYPO) == 2
        assert all(value == ["policy:1"] for value in _assignments(org).values())
        assert apply_policy(org.db, MATERIAL) == 3
    assert _assignments(org)["ada"] == ["policy:1", "policy:3"]
    with org.db.reading() as session:
        audited = {
            target: data["acknowledgements"]
            for target, data in session.execute(
                select(AuditEvent.target, AuditEvent.data).where(
                    AuditEvent.action == "policy.applied"
                )
            )
        }
    assert audited["policy:2"] == {"assigned": 0, "material": False, "areas": []}
    assert audited["policy:3"] == {"assigned": 5, "material": True, "areas": ["consent"]}


def test_acknowledging_the_version_in_force_records_the_hash_and_completes(org: Org) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        version, sha = _shown(org)
        row = _acknowledge(org, "ada", version, sha)
    assert row.text_sha256 == sha and row.at == START
    assert _state(org, "ada", "policy:1") == "completed"
    assert _state(org, "ben", "policy:1") == "assigned"
    with pytest.raises(Conflict, match="already acknowledged"):
        _acknowledge(org, "ada", version, sha)


def test_a_hash_of_another_text_is_refused(org: Org) -> None:
    apply_policy(org.db)
    version, _ = _shown(org)
    with pytest.raises(InvalidInput, match="not the policy as the server renders it"):
        _acknowledge(org, "ada", version, hashlib.sha256(b"something else").hexdigest())
    assert _state(org, "ada", "policy:1") == "assigned"


def test_only_the_version_in_force_is_acknowledged(org: Org) -> None:
    apply_policy(org.db)
    _, old_sha = _shown(org)
    apply_policy(org.db, MATERIAL)
    with pytest.raises(Conflict, match="acknowledge version 2"):
        _acknowledge(org, "ada", 1, old_sha)
    version, sha = _shown(org)
    _acknowledge(org, "ada", version, sha)
    # the version in force answers the older one still open too
    assert _state(org, "ada", "policy:1") == "completed"
    assert _state(org, "ada", "policy:2") == "completed"


def test_after_an_immaterial_change_the_new_text_completes_the_old_assignment(org: Org) -> None:
    apply_policy(org.db)
    apply_policy(org.db, TYPO)
    version, sha = _shown(org)
    assert version == 2
    _acknowledge(org, "ben", version, sha)
    assert _state(org, "ben", "policy:1") == "completed"


def test_the_policy_to_acknowledge_says_what_changed_when_it_matters(org: Org) -> None:
    apply_policy(org.db)
    with org.db.reading() as session:
        assert acknowledging.what_changed_in(session, policies.get_version(session)) is None
    apply_policy(org.db, TYPO)
    with org.db.reading() as session:
        assert acknowledging.what_changed_in(session, policies.get_version(session)) is None
    apply_policy(org.db, MATERIAL)
    with org.db.reading() as session:
        module = acknowledging.what_changed_in(session, policies.get_version(session))
    assert module is not None and "version 3" in module.title
    assert "## Consent" in module.content
