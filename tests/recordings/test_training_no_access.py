"""`training.overdue: no_access`: a supervisor or QA reviewer whose training is overdue may not
play recordings until they are current, and is told which training stands in the way; nobody
else's rights move, and under the default (`finding`) being overdue costs no access."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import TrainingAssignment, User
from callwarden.policy import service as policies
from tests.recordings.test_access import play, two_recordings
from tests.support.policies import EXAMPLE_TEXT

__all__ = ["two_recordings"]
NO_ACCESS = EXAMPLE_TEXT + "\ntraining:\n  overdue: no_access\n"
FINDING = EXAMPLE_TEXT.replace("auditors_may_listen: false", "auditors_may_listen: true")


def _apply(db: Database, text: str) -> int:
    with db.unit_of_work() as session:
        return policies.apply(session, SYSTEM, text, "policy.yaml").version.version


def _overdue(db: Database, username: str) -> int:
    """Make everything `username` was assigned due yesterday (as if the window had passed)."""
    with db.unit_of_work() as session:
        user_id = session.query(User.id).filter(User.username == username).scalar()
        done = session.execute(
            update(TrainingAssignment)
            .where(TrainingAssignment.user_id == user_id)
            .values(due_at=clock.now() - timedelta(days=1))
        )
        return int(done.rowcount)  # type: ignore[attr-defined]


def test_an_overdue_supervisor_may_not_play_until_current(
    api: TestClient, db: Database, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice, bob = two_recordings["alice"], two_recordings["bob"]
    version = _apply(db, NO_ACCESS)  # a material change: everyone must acknowledge it
    assert play(api, people["east-lead"], alice) == 200  # assigned, not yet due
    assert _overdue(db, "east-lead") >= 1
    _overdue(db, "alice")
    refused = api.get(
        f"/v1/recordings/{alice}/audio", params={"reason": "review"}, headers=people["east-lead"]
    )
    assert refused.status_code == 403
    assert f"acknowledgement of policy version {version}" in refused.text
    assert "training.overdue: no_access" in refused.text
    assert play(api, people["west-lead"], bob) == 200  # current enough: not yet due
    assert play(api, people["alice"], alice) == 200  # agents keep their own calls
    assert play(api, people["cora"], alice) == 200
    shown = api.get("/v1/training/policy", headers=people["east-lead"]).json()
    done = api.post(
        "/v1/training/acknowledgements",
        json={"version": shown["version"], "text_sha256": shown["text_sha256"]},
        headers=people["east-lead"],
    )
    assert done.status_code == 201, done.text
    assert play(api, people["east-lead"], alice) == 200  # current again


def test_under_the_default_an_overdue_supervisor_still_plays(
    api: TestClient, db: Database, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    _apply(db, FINDING)  # material (who may listen): everyone must acknowledge it
    assert _overdue(db, "east-lead") >= 1
    assert play(api, people["east-lead"], two_recordings["alice"]) == 200
