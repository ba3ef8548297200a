"""The procrastinate backend: a worker (`callwarden jobs run`) processes the existing jobs on
PostgreSQL, retries a failed download with backoff, and shows the runs; SQLite is refused."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs_queue import cron_for, recent_runs, require_postgres, run_worker
from callwarden.kit.errors import ConfigurationError
from callwarden.models import Recording
from tests.recordings.conftest import recorded_call
from tests.recordings.test_fetch import FakeMedia, Reply, media, provider_row, row
from tests.recordings.test_fetch import job_settings as fetch_settings
from tests.support.audio import wav

__all__ = ["fetch_settings", "media"]


@pytest.fixture
def queue_settings(fetch_settings: Settings) -> Settings:
    return fetch_settings.model_copy(
        update={"jobs_backend": "procrastinate", "fetch_backoff_seconds": 0.0}
    )


@pytest.mark.parametrize("vault_settings", ["filesystem"], indirect=True)
def test_a_worker_fetches_retries_and_analyses_on_postgresql(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    queue_settings: Settings,
    media: FakeMedia,
) -> None:
    if db.is_sqlite:
        with pytest.raises(ConfigurationError, match="needs a PostgreSQL"):
            require_postgres(queue_settings)
        with pytest.raises(ConfigurationError, match="needs a PostgreSQL"):
            create_app(queue_settings, db)
        return
    call = recorded_call(api, people["pbx"])
    audio = wav(2.0, seed=7)
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(503), Reply(body=audio))
    run_worker(queue_settings, db, once=True)  # the scan queues the download; it fails, retries
    fetched = row(db, sid)
    assert (fetched.fetch_attempts, fetched.fetch_error, media.hits(sid)) == (2, None, 2)
    assert fetched.fetch_claimed_until is None  # the lease ended with the attempt
    with db.reading() as session:
        stored = session.get(Recording, fetched.fetched_recording_id)
        assert stored is not None and stored.sha256 == hashlib.sha256(audio).hexdigest()
        assert stored.analysed_at is None  # the audio check ran before the download finished
    run_worker(queue_settings, db, once=True)  # the next tick checks the new recording's audio
    with db.reading() as session:
        checked = session.get(Recording, fetched.fetched_recording_id)
        assert checked is not None and checked.analysed_at is not None
    runs = recent_runs(db, None, 100).rows
    [download] = [run for run in runs if run["name"] == "twilio.fetch_recording"]
    assert download["status"] == "succeeded" and download["attempts"] == 2
    assert download["arguments"] == {"row_id": fetched.id}
    ticks = {run["name"] for run in runs if run["status"] == "succeeded"}
    assert {"twilio.fetch_recordings", "analyse_recordings", "vault.sweep_orphans"} <= ticks
    assert "audit.checkpoint" in ticks
    with TestClient(create_app(queue_settings, db)) as client:
        shown = client.get("/v1/jobs", headers=people["root"])
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["backend"] == "procrastinate"
    assert {"name": "twilio.fetch_recording", "status": "succeeded"}.items() <= next(
        run for run in body["runs"]["items"] if run["name"] == "twilio.fetch_recording"
    ).items()


def test_db_upgrade_applies_the_queue_schema_on_postgresql(db: Database) -> None:
    assert ("procrastinate_jobs" in inspect(db.engine).get_table_names()) == (not db.is_sqlite)


def test_schedules_become_cron_lines() -> None:
    assert cron_for(5) == "* * * * * */5"
    assert cron_for(900) == "*/15 * * * *"
    assert cron_for(7200) == "0 */2 * * *"


@pytest.mark.parametrize("vault_settings", ["filesystem"], indirect=True)
def test_jobs_run_is_a_worker_and_jobs_list_shows_its_runs(
    vault_settings: Settings, db: Database
) -> None:
    env = {
        "CALLWARDEN_DATA_DIR": str(vault_settings.data_dir),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_JOBS_BACKEND": "procrastinate",
    }
    worked = CliRunner().invoke(cli, ["jobs", "run", "--once"], env=env)
    if db.is_sqlite:
        served = CliRunner().invoke(cli, ["serve"], env=env)
        for refused in (worked, served):
            assert refused.exit_code == 1
            assert refused.output.strip().splitlines() == [
                "error: CALLWARDEN_JOBS_BACKEND=procrastinate needs a PostgreSQL "
                "CALLWARDEN_DATABASE_URL (this is sqlite); use jobs_backend=inprocess with SQLite"
            ]
        return
    assert worked.exit_code == 0, worked.output
    listed = CliRunner().invoke(cli, ["jobs", "list"], env={**env, "COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "twilio.fetch_recording " in listed.output and "deferred" in listed.output
    ran = [line for line in listed.output.splitlines() if "succeeded" in line]
    for name in ("analyse_recordings", "audit.checkpoint", "twilio.fetch_recordings"):
        assert any(f" {name} " in line for line in ran), listed.output  # (a tick may add more)
