"""A recording's schedule through the API, and re-scheduling when a policy version is applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.jobs import JobContext, registered
from callwarden.kit import clock
from callwarden.models import AuditEvent, PolicyVersion, Recording
from callwarden.policy import service as policies
from callwarden.policy.tasks import reschedule_job
from tests.retention.conftest import record
from tests.support.policies import as_text, example_data

People = dict[str, dict[str, str]]


def shown(api: TestClient, who: dict[str, str], recording_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/recordings/{recording_id}", headers=who)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def rescheduled_events(db: Database) -> list[dict[str, Any]]:
    with db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.action == "retention.rescheduled")
        return [{"target": e.target, **e.data} for e in session.scalars(query.order_by("seq"))]


def shorter_dispute_policy(dispose_at: str = "latest") -> str:
    """Dispute resolution kept 6 months to 2 years; the rest as the example."""
    data = example_data()
    data["purposes"]["dispute_resolution"]["retention"] = {"min": "P6M", "max": "P2Y"}
    data["retention"] = {"dispose_at": dispose_at}
    return as_text(data)


def apply(db: Database, text: str, effective_from: datetime | None = None) -> PolicyVersion:
    with db.unit_of_work() as session:
        row = policies.apply(session, SYSTEM, text, "draft.yaml", effective_from).version
        session.expunge(row)
        return row


def test_intake_schedules_and_the_api_shows_the_schedule_and_holds_judged_now(
    api: TestClient, people: People
) -> None:
    recording_id = record(api, people["pbx"], number="+14155550123")
    found = shown(api, people["cora"], recording_id)
    kept, started = found["retention"], moment(found["started_at"])
    # Support calls: quality (at most 6 months) and dispute resolution (at least 1 year).
    assert moment(kept["earliest"]) == started.replace(year=started.year + 1)
    assert kept["latest"] == kept["earliest"] == kept["due"]
    assert kept["dispose_at"] == "earliest" and kept["policy_version"] == 1
    assert kept["disposed_at"] is None
    conflict = [r for r in kept["reasons"] if "duty to keep wins" in r["text"]]
    assert len(conflict) == 1
    assert {rule["id"] for rule in conflict[0]["rules"]} == {
        "purpose:dispute_resolution",
        "purpose:quality",
    }
    assert found["legal_hold"] is False
    body = {"matter": "M", "reason": "litigation", "scope": {"numbers": ["+14155550123"]}}
    assert api.post("/v1/holds", json=body, headers=people["lee"]).status_code == 201
    assert shown(api, people["cora"], recording_id)["legal_hold"] is True
    listed = api.get("/v1/recordings", headers=people["cora"]).json()["items"]
    assert listed[0]["retention"]["due"] == kept["due"] and listed[0]["legal_hold"] is None


def test_applying_a_different_retention_reschedules_in_the_same_change(
    api: TestClient, people: People, db: Database
) -> None:
    first = record(api, people["pbx"])
    second = record(api, people["pbx"], number="+14155550111")
    before = shown(api, people["cora"], first)["retention"]
    row = apply(db, shorter_dispute_policy("latest"))
    assert row.rescheduled_at is not None
    after = shown(api, people["cora"], first)["retention"]
    started = moment(shown(api, people["cora"], first)["started_at"])
    assert after["policy_version"] == row.version and after["dispose_at"] == "latest"
    assert moment(after["earliest"]) < moment(before["earliest"])
    assert moment(after["due"]) == moment(after["latest"])
    assert moment(after["latest"]) - started < timedelta(days=190)  # quality's 6 months
    assert shown(api, people["cora"], second)["retention"]["policy_version"] == row.version
    events = rescheduled_events(db)
    assert events == [
        {
            "target": f"policy:{row.version}",
            "earlier": 2,
            "later": 0,
            "unchanged": 0,
            "not_concerned": 0,
            "policy_version": row.version,
        }
    ]
    # Same retention, other words: nothing moves, no event; the version is marked done.
    data = example_data()
    data["purposes"]["dispute_resolution"]["retention"] = {"min": "P6M", "max": "P2Y"}
    data["retention"] = {"dispose_at": "latest"}
    data["title"] = "Call recording policy (reworded)"
    reworded = apply(db, as_text(data))
    assert reworded.rescheduled_at is not None and len(rescheduled_events(db)) == 1
    assert shown(api, people["cora"], first)["retention"]["policy_version"] == row.version


def test_a_version_applied_ahead_is_rescheduled_by_the_job_once_in_force(
    api: TestClient, people: People, db: Database, settings: Any
) -> None:
    recording_id = record(api, people["pbx"])
    before = shown(api, people["cora"], recording_id)["retention"]
    ahead = clock.now() + timedelta(days=2)
    row = apply(db, shorter_dispute_policy("earliest"), effective_from=ahead)
    assert row.rescheduled_at is None
    every = registered()["retention.reschedule"].every
    assert every is not None and every(settings) == 3600  # hourly
    context = JobContext(settings=settings, db=db)
    assert reschedule_job(context) is None  # not in force yet: nothing to do
    assert shown(api, people["cora"], recording_id)["retention"] == before
    with clock.frozen_at(ahead + timedelta(hours=1)):
        assert reschedule_job(context) == row.version
        assert reschedule_job(context) is None  # done once
    with db.reading() as session:
        stored = session.get(Recording, recording_id)
        assert stored is not None and stored.retention_policy_version == row.version
        assert session.get(PolicyVersion, row.version).rescheduled_at is not None  # type: ignore[union-attr]
    assert [event["earlier"] for event in rescheduled_events(db)] == [1]


def test_a_disposed_recording_keeps_its_tombstone_schedule(
    api: TestClient, people: People, db: Database
) -> None:
    gone = record(api, people["pbx"])
    kept = record(api, people["pbx"], number="+14155550111")
    with db.unit_of_work() as session:  # as the disposal would leave it
        row = session.get(Recording, gone)
        assert row is not None
        row.state, row.disposed_at = "disposed", clock.now()
    before = shown(api, people["cora"], gone)["retention"]
    version = apply(db, shorter_dispute_policy()).version
    assert shown(api, people["cora"], gone)["retention"] == before
    assert shown(api, people["cora"], kept)["retention"]["policy_version"] == version
    assert [(e["earlier"], e["unchanged"]) for e in rescheduled_events(db)] == [(1, 0)]
