"""The orphan sweeper removes only old objects no committed recording refers to, and says so."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import Runner
from callwarden.kit import clock
from callwarden.models import AuditEvent
from callwarden.recordings.orphans import sweep
from callwarden.vault.runtime import vault_for
from tests.recordings.conftest import objects, recorded_call
from tests.support.audio import wav

ORPHAN = "recordings/2026/01/rec_orphan.cwv"
ELSEWHERE = "exports/not-a-recording.bin"


def test_only_old_orphans_go(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    response = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=people["pbx"],
        params={"idempotency_key": "kept"},
    )
    assert response.status_code == 201
    [committed] = objects(vault_settings)
    store = vault_for(vault_settings).store
    store.put(ORPHAN, [b"sealed bytes whose row never committed"])
    store.put(ELSEWHERE, [b"not under recordings/"])
    spool = vault_settings.data_dir / "spool" / ".intake-crashed"
    spool.mkdir(parents=True)
    temp = vault_settings.vault_dir / "recordings" / ".tmp-rec_half.cwv.0123"
    if vault_settings.vault_store == "filesystem":
        temp.write_bytes(b"half an object")

    assert sweep(vault_settings, db, timedelta(minutes=60)) == []  # all too young
    assert sorted(objects(vault_settings)) == sorted([committed, ORPHAN, ELSEWHERE])

    with clock.frozen_at(clock.now() + timedelta(hours=2)):
        assert sweep(vault_settings, db, timedelta(minutes=60)) == [ORPHAN]
    assert sorted(objects(vault_settings)) == sorted([committed, ELSEWHERE])
    assert not spool.exists() and not temp.exists()
    with db.reading() as session:
        actor, data = session.execute(
            select(AuditEvent.actor, AuditEvent.data).where(
                AuditEvent.action == "vault.orphans_swept"
            )
        ).one()
    assert actor == "job:vault-sweeper"
    assert data["keys"] == [ORPHAN] and data["count"] == 1 and data["spool_dirs_removed"] == 1
    played = api.get(
        f"/v1/recordings/{response.json()['recording_id']}/audio",
        params={"reason": "still there"},
        headers=people["cora"],
    )
    assert played.status_code == 200


def test_the_periodic_job_uses_the_configured_grace(vault_settings: Settings, db: Database) -> None:
    store = vault_for(vault_settings).store
    store.put(ORPHAN, [b"orphan"])
    runner = Runner(vault_settings, db, only=["vault.sweep_orphans"])
    assert [run.result for run in runner.run_once()] == [0]
    later = clock.now() + timedelta(minutes=vault_settings.orphan_grace_minutes + 1)
    with clock.frozen_at(later):
        assert [run.result for run in runner.run_once()] == [1]
    assert objects(vault_settings) == []
