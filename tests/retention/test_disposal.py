"""Disposal through the real vault (filesystem and S3) on SQLite and PostgreSQL: a held recording
is never touched; a disposed one's key is gone (playback answers 410 even while the object is
still there), its object is deleted after the commit, its tombstone and audit event say why;
a rerun changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import AuditEvent, DataKey, Disposal, Recording, RetentionSweep
from callwarden.recordings import integrity
from callwarden.retention import disposal, planning
from callwarden.vault.runtime import vault_for
from tests.recordings.conftest import api, vault_settings
from tests.retention.conftest import record

__all__ = ["api", "vault_settings"]
People = dict[str, dict[str, str]]


def make_due(db: Database, *recording_ids: str) -> None:
    with db.unit_of_work() as session:
        for recording_id in recording_ids:
            row = session.get(Recording, recording_id)
            assert row is not None
            row.disposal_due = clock.now() - timedelta(days=1)
            row.purposes = ["quality"]


def sweep_now(db: Database, recording_ids: list[str]) -> tuple[str, list[str]]:
    with db.unit_of_work() as session:
        sweep = disposal.open_sweep(session, "schedule", "system:test", clock.now())
        done = disposal.dispose(session, recording_ids, sweep)
        return sweep.id, [row.recording_id for row in done]


def play(api: TestClient, who: dict[str, str], recording_id: str) -> int:
    response = api.get(
        f"/v1/recordings/{recording_id}/audio", params={"reason": "QA review"}, headers=who
    )
    if response.status_code == 410:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "recording_disposed"
    status: int = response.status_code
    return status


def test_a_disposed_recording_cannot_be_opened_and_its_object_goes_after_commit(
    api: TestClient, people: People, db: Database, vault_settings: Settings
) -> None:
    kept = record(api, people["pbx"], number="+14155550111")
    gone = record(api, people["pbx"], number="+14155550122")
    body = {"matter": "M", "reason": "litigation", "scope": {"numbers": ["+14155550111"]}}
    assert api.post("/v1/holds", json=body, headers=people["lee"]).status_code == 201
    make_due(db, kept, gone)
    with db.reading() as session:
        assert planning.due_and_unheld(session, clock.now(), 10) == [gone]
        object_key = session.get(Recording, gone).object_key  # type: ignore[union-attr]
    store = vault_for(vault_settings).store
    assert store.exists(object_key)
    assert play(api, people["cora"], gone) == 200

    sweep_id, done = sweep_now(db, [kept, gone])
    assert done == [gone]
    # Committed, object not yet deleted: the key is gone, so nothing opens it.
    assert store.exists(object_key)
    assert play(api, people["cora"], gone) == 410
    assert play(api, people["cora"], kept) == 200
    with db.unit_of_work() as session:
        assert disposal.delete_objects(session, store) == 1
    assert not store.exists(object_key)
    with pytest.raises(NotFound):
        store.size(object_key)
    assert play(api, people["cora"], gone) == 410

    with db.reading() as session:
        key = session.get(DataKey, gone)
        assert key is not None and key.wrapped is None and key.destroyed_at is not None
        assert session.get(DataKey, kept).wrapped is not None  # type: ignore[union-attr]
        row = session.get(Recording, gone)
        assert row is not None and row.state == "disposed" and row.disposed_at is not None
        assert session.get(Recording, kept).state == "stored"  # type: ignore[union-attr]
        tomb = session.get(Disposal, gone)
        assert tomb is not None and tomb.sweep_id == sweep_id
        assert tomb.sha256 == row.sha256 and tomb.object_deleted_at is not None
        assert tomb.rule.startswith("retention: purpose quality, due ")
        event = session.execute(
            select(AuditEvent).where(AuditEvent.seq == tomb.audit_seq)
        ).scalar_one()
        assert event.action == "recording.disposed" and event.target == f"recording:{gone}"
        assert event.data["sweep"] == sweep_id and event.data["sha256"] == row.sha256
        sweep = session.get(RetentionSweep, sweep_id)
        assert sweep is not None and sweep.disposed_count == 1


def test_a_rerun_disposes_nothing_more_and_writes_nothing(
    api: TestClient, people: People, db: Database, vault_settings: Settings
) -> None:
    gone = record(api, people["pbx"])
    make_due(db, gone)
    _, first = sweep_now(db, [gone])
    assert first == [gone]
    with db.reading() as session:
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    with db.unit_of_work() as session:
        sweep = session.get(RetentionSweep, _)
        assert sweep is not None
        assert disposal.dispose(session, [gone], sweep) == []
    with db.reading() as session:
        after = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        assert after == events
        assert planning.due_and_unheld(session, clock.now(), 10) == []


def test_objects_a_killed_run_left_are_deleted_by_the_next(
    api: TestClient, people: People, db: Database, vault_settings: Settings
) -> None:
    first, second = record(api, people["pbx"]), record(api, people["pbx"])
    make_due(db, first, second)
    sweep_now(db, [first, second])  # "killed" before deleting the objects
    store = vault_for(vault_settings).store
    with db.reading() as session:
        keys = [session.get(Recording, rid).object_key for rid in (first, second)]  # type: ignore[union-attr]
        assert [rid for rid, _ in disposal.objects_to_delete(session)] == sorted([first, second])
    with db.unit_of_work() as session:
        assert disposal.delete_objects(session, store) == 2
    with db.unit_of_work() as session:
        assert disposal.delete_objects(session, store) == 0
    assert not any(store.exists(key) for key in keys)


def test_a_hold_made_after_the_plan_still_keeps_the_recording(
    api: TestClient, people: People, db: Database, vault_settings: Settings
) -> None:
    target = record(api, people["pbx"], agent="bob", team="West")
    make_due(db, target)
    with db.reading() as session:
        planned = planning.due_and_unheld(session, clock.now(), 10)
    assert planned == [target]
    body = {"matter": "M", "reason": "litigation", "scope": {"teams": ["West"]}}
    assert api.post("/v1/holds", json=body, headers=people["lee"]).status_code == 201
    _, done = sweep_now(db, planned)
    assert done == []
    with db.reading() as session:
        assert session.get(DataKey, target).wrapped is not None  # type: ignore[union-attr]


def test_verify_and_the_integrity_sample_skip_a_disposed_recording(
    api: TestClient, people: People, db: Database, vault_settings: Settings
) -> None:
    gone, kept = record(api, people["pbx"]), record(api, people["pbx"])
    make_due(db, gone)
    sweep_now(db, [gone])
    vault = vault_for(vault_settings)
    with db.reading() as session:
        assert integrity.every_recording(session) == [kept]
        assert integrity.least_recently_verified(session, 10) == [kept]
    report = integrity.verify_recordings(db, vault, [gone, kept], "system:test")
    assert report.skipped == [gone] and report.checked == 1 and report.ok
    with db.reading() as session:
        row = session.get(Recording, gone)
        assert row is not None and row.damaged_at is None and row.state == "disposed"
