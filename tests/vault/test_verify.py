"""`callwarden vault verify` and the periodic check find damage, name it, mark it and audit it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext, Runner
from callwarden.models import AuditEvent, Recording
from callwarden.vault.runtime import vault_for
from callwarden.verification.tasks import analyse_recordings
from tests.recordings.test_keys_and_import import cli_env
from tests.recordings.test_playback_integrity import (
    chunk_offset,
    flip,
    object_key,
    rewrite,
    store_recording,
)
from tests.support.audio import wav

runner = CliRunner()


def actions(db: Database, action: str) -> list[AuditEvent]:
    with db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        found = list(session.execute(query).scalars())
        session.expunge_all()
        return found


def row(db: Database, recording_id: str) -> Recording:
    with db.reading() as session:
        found = session.get(Recording, recording_id)
        assert found is not None
        session.expunge(found)
        return found


def test_verify_names_each_damaged_recording_and_exits_non_zero(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    good = store_recording(api, people, wav(1.0, seed=1), "good")
    flipped = store_recording(api, people, wav(20.0, seed=2), "flipped")
    gone = store_recording(api, people, wav(1.0, seed=3), "gone")
    env = cli_env(vault_settings)
    clean = runner.invoke(cli, ["vault", "verify"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "3 recording(s) verified, 0 damaged" in clean.output
    assert row(db, good).verified_at is not None
    rewrite(vault_settings, object_key(db, flipped), flip(chunk_offset(flipped, 2) + 3))
    vault_for(vault_settings).store.delete(object_key(db, gone))
    result = runner.invoke(cli, ["vault", "verify", "--all"], env=env)
    assert result.exit_code == 1, result.output
    assert f"DAMAGED {flipped}: chunk 2" in result.output
    assert f"DAMAGED {gone}:" in result.output and "vault_missing_object" in result.output
    assert good not in result.output
    assert "3 recording(s) verified, 2 damaged" in result.output
    assert row(db, flipped).damage.startswith("vault_tampered_chunk")  # type: ignore[union-attr]
    damaged = actions(db, "recording.damaged")
    assert {(event.target, event.data["during"]) for event in damaged} == {
        (f"recording:{flipped}", "verify"),
        (f"recording:{gone}", "verify"),
    }
    runs = actions(db, "vault.verified")
    assert [sorted(run.data["damaged"]) for run in runs] == [[], sorted([flipped, gone])]
    only_good = runner.invoke(cli, ["vault", "verify", "--recording", good], env=env)
    assert only_good.exit_code == 0 and "1 recording(s) verified" in only_good.output
    # playing a recording verify marked damaged is refused with the same clear problem
    played = api.get(
        f"/v1/recordings/{flipped}/audio", params={"reason": "check"}, headers=people["cora"]
    )
    assert played.status_code == 409 and played.json()["code"] == "recording_damaged"


def test_a_restored_object_clears_the_damage_mark(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    recording_id = store_recording(api, people, wav(1.0), "restored")
    key = object_key(db, recording_id)
    store = vault_for(vault_settings).store
    backup = store.open_range(key, 0, store.size(key))
    rewrite(vault_settings, key, flip(chunk_offset(recording_id, 0)))
    env = cli_env(vault_settings)
    assert (
        runner.invoke(cli, ["vault", "verify", "--recording", recording_id], env=env).exit_code == 1
    )
    assert row(db, recording_id).damaged_at is not None
    rewrite(vault_settings, key, lambda _sealed: backup)
    again = runner.invoke(cli, ["vault", "verify", "--recording", recording_id], env=env)
    assert again.exit_code == 0, again.output
    assert row(db, recording_id).damaged_at is None and row(db, recording_id).damage is None
    [cleared] = actions(db, "recording.damage_cleared")
    assert cleared.data["was"].startswith("vault_tampered_chunk")


def test_the_periodic_job_verifies_a_rolling_sample(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    ids = [store_recording(api, people, wav(0.5, seed=n), f"s{n}") for n in range(5)]
    rewrite(vault_settings, object_key(db, ids[3]), flip(chunk_offset(ids[3], 0) + 1))
    settings = vault_settings.model_copy(update={"verify_sample_size": 2})
    job = Runner(settings, db, only=["vault.verify_sample"])
    checked = []
    for _ in range(3):
        [run] = job.run_once()
        assert run.error is None
        checked.append(run.result)
    assert checked == [2, 2, 2]
    verified = {rid for rid in ids if row(db, rid).verified_at is not None}
    assert verified == set(ids)  # every one reached, the damaged one once, in three runs of two
    assert row(db, ids[3]).damaged_at is not None
    [damaged] = actions(db, "recording.damaged")
    assert damaged.actor == "job:vault-verify" and damaged.target == f"recording:{ids[3]}"
    assert len(actions(db, "vault.verified")) == 3
    off = Runner(
        vault_settings.model_copy(update={"verify_sample_size": 0}),
        db,
        only=["vault.verify_sample"],
    )
    assert [run.result for run in off.run_once()] == [0]


def test_verify_refuses_contradictory_options(vault_settings: Settings, db: Database) -> None:
    result = runner.invoke(
        cli, ["vault", "verify", "--all", "--sample", "3"], env=cli_env(vault_settings)
    )
    assert result.exit_code == 1 and "not both" in result.output


def test_the_audio_check_meeting_damage_marks_and_audits_it(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    recording_id = store_recording(api, people, wav(1.0), "analysed")
    rewrite(vault_settings, object_key(db, recording_id), flip(chunk_offset(recording_id, 0) + 7))
    assert analyse_recordings(JobContext(vault_settings, db)) == 1
    assert row(db, recording_id).analysis_error is not None
    assert row(db, recording_id).damage.startswith("vault_tampered_chunk")  # type: ignore[union-attr]
    [damaged] = actions(db, "recording.damaged")
    assert damaged.actor == "system:audio-check" and damaged.data["during"] == "analysis"
