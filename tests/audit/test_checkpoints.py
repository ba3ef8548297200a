"""Signed checkpoints of the chain head catch what re-hashing the chain hides, on both databases.

Each test writes events the way the service does (a database opened from settings, so the writer
that crosses every N-th event signs a checkpoint after its commit), then tampers with the
database as someone with write access to it could, recomputing every later hash and the head.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from tests.audit.tampering import (
    CheckpointTrail,
    delete_tail,
    rewrite_event,
    run_cli,
    write_events,
)

EVERY = 5


@pytest.fixture
def trail(tmp_path: Path, db: Database) -> CheckpointTrail:
    """An initialised data directory (signing key, checkpoints file) on the test database."""
    env = {
        "CALLWARDEN_DATA_DIR": str(tmp_path / "data"),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": str(EVERY),
    }
    result = CliRunner().invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, log_format="text")
    settings = settings.model_copy(update={"audit_checkpoint_every": EVERY})
    return CheckpointTrail(db, settings, env)


def test_untouched_trail_verifies_against_its_checkpoints(trail: CheckpointTrail) -> None:
    write_events(trail, 23)  # 25 with init's two (init signed the head, event 2)
    code, output = run_cli(trail, "audit", "verify")
    assert code == 0, output
    assert "25 events" in output and "6 signed checkpoints" in output


def test_rewritten_event_with_recomputed_tail_is_named(trail: CheckpointTrail) -> None:
    write_events(trail, 20)
    rewrite_event(trail, seq=8, reason="nothing to see")  # later hashes and the head recomputed
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    line = output.strip().splitlines()[-1]
    assert "rewritten" in line and "event 10" in line and "6–10" in line


def test_truncated_chain_with_head_moved_back_is_named(trail: CheckpointTrail) -> None:
    write_events(trail, 20)  # 22 events, checkpoints at 5, 10, 15, 20
    delete_tail(trail, keep=16)
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    line = output.strip().splitlines()[-1]
    assert "truncated" in line and "event 20" in line and "ends at event 16" in line


def test_forged_checkpoint_signature_is_named(trail: CheckpointTrail) -> None:
    write_events(trail, 12)
    path = trail.settings.audit_checkpoint_file
    lines = [
        line.replace('"signature": "', '"signature": "AAAA', 1) if '"seq": 10,' in line else line
        for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    assert "forged checkpoint" in output and "event 10" in output


def test_forged_checkpoint_with_another_key_is_named(trail: CheckpointTrail) -> None:
    """Someone who writes the database and the checkpoints file but lacks the key."""
    write_events(trail, 12)
    rewrite_event(trail, seq=3, reason="forged")
    from callwarden.audit.checkpoints import sign_checkpoint
    from callwarden.signing import generate_signing_key

    other = generate_signing_key()
    with trail.db.reading() as session:
        from callwarden.audit import repository

        head = repository.read_head(session)
        assert head is not None
        forged = sign_checkpoint(other, head.seq, head.hash, every=EVERY)
    trail.settings.audit_checkpoint_file.write_text(forged.to_json() + "\n")
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    assert "forged checkpoint" in output and "unknown key" in output


def test_deleted_checkpoint_file_is_named(trail: CheckpointTrail) -> None:
    write_events(trail, 18)  # 20 events: the chain is long past N
    trail.settings.audit_checkpoint_file.unlink()
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    assert "missing checkpoint" in output and "event 5" in output


def test_a_gap_in_the_checkpoints_is_named(trail: CheckpointTrail) -> None:
    write_events(trail, 18)
    path = trail.settings.audit_checkpoint_file
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if '"seq": 10,' not in line) + "\n")
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1, output
    assert "missing checkpoint" in output and "event 10" in output


def test_latest_checkpoint_may_lag_behind_its_commit(trail: CheckpointTrail) -> None:
    """A checkpoint is written after its commit: the newest one missing is not an alarm."""
    write_events(trail, 16)  # 18 events: checkpoints 5, 10, 15
    path = trail.settings.audit_checkpoint_file
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if '"seq": 15,' not in line) + "\n")
    code, output = run_cli(trail, "audit", "verify")
    assert code == 0, output


def test_the_periodic_job_checkpoints_a_grown_chain_and_fills_a_lost_one(
    trail: CheckpointTrail,
) -> None:
    from callwarden.audit.tasks import checkpoint_job
    from callwarden.jobs import JobContext, registered

    every = registered()["audit.checkpoint"].every
    assert every is not None and every(trail.settings) == 5 * 60

    write_events(trail, 9, attach=False)  # 11 events, nobody signed 5 or 10 (a crash)
    written = checkpoint_job(JobContext(trail.settings, trail.db))
    assert written == 3  # 5, 10 and the head, 11
    assert checkpoint_job(JobContext(trail.settings, trail.db)) == 0  # nothing new
    code, output = run_cli(trail, "audit", "verify")
    assert code == 0, output
    assert "4 signed checkpoints" in output  # and init's, of event 2


def test_api_verify_reports_the_checkpoint_problem(trail: CheckpointTrail) -> None:
    from fastapi.testclient import TestClient

    from callwarden.app import create_app
    from tests.support.factories import bearer, make_token

    write_events(trail, 20)
    token = make_token(trail.db, "auditor", "audra")
    with TestClient(create_app(trail.settings, trail.db)) as client:
        good = client.get("/v1/audit/verify", headers=bearer(token)).json()
        assert good["ok"] and good["checkpoints_checked"] == 5, good
        delete_tail(trail, keep=13)
        bad = client.get("/v1/audit/verify", headers=bearer(token)).json()
    assert not bad["ok"] and "truncated" in bad["problem"], bad
    assert bad["broken_at"] == 14  # the first event the trail no longer has


def test_deleted_checkpoints_are_not_healed_silently(trail: CheckpointTrail) -> None:
    """The job (and `audit checkpoint`) sign the head, never the old events: only --backfill."""
    write_events(trail, 18)
    trail.settings.audit_checkpoint_file.unlink()
    assert run_cli(trail, "audit", "checkpoint")[0] == 0
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1 and "missing checkpoint" in output and "event 5" in output
    code, output = run_cli(trail, "audit", "checkpoint", "--backfill")  # on purpose, audited
    assert code == 0 and "signed 3 audit checkpoint(s)" in output, output  # 5, 10, 15
    code, output = run_cli(trail, "audit", "verify")
    assert code == 0, output
