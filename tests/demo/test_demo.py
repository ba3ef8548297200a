"""`callwarden demo` on a small month: the printed people sign in, calls span the days, the
recordings play, the seeded defects are found, and a second run is refused having written
nothing."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import soundfile
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.audit import service as audit
from callwarden.audit.repository import EventFilter
from callwarden.calls import service as calls
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.identity.roles import Role
from callwarden.models import Call, Recording, RetentionSweep
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.verification import service as verification
from tests.retention.test_certificate_cli import offline
from tests.support.demo_month import DAYS, Demo

runner = CliRunner()


def test_every_role_signs_in_at_once_with_the_printed_password(demo: Demo) -> None:
    people = demo.passwords()
    roles = {role for role, _team, _password in people.values()}
    assert roles == {role.value for role in Role} - {Role.INTEGRATION.value}
    assert [p for p in people if people[p][0] == "agent"] == [
        "agent-ada",
        "agent-ben",
        "agent-cleo",
        "agent-dev",
    ]
    assert {people["supervisor-north"][1], people["supervisor-south"][1]} == {"north", "south"}
    assert "http://127.0.0.1:8000/" in demo.output
    with TestClient(create_app(demo.settings, demo.db, run_jobs=False)) as client:
        for username, (_role, _team, password) in people.items():
            answer = client.post(
                "/v1/auth/token", json={"username": username, "password": password}
            )
            assert answer.status_code == 201, (username, answer.text)
            assert answer.json()["password_change_required"] is False, username
        qa = client.post(
            "/v1/auth/token", json={"username": "qa", "password": people["qa"][2]}
        ).json()
        assigned = client.get(
            "/v1/recordings", headers={"Authorization": f"Bearer {qa['token']}"}
        ).json()
        assert len(assigned["items"]) == 6  # three from each supervisor's team
        wrong = client.post("/v1/auth/token", json={"username": "qa", "password": "x" * 20})
        assert wrong.status_code == 401


def test_calls_are_spread_over_the_past_days_and_owned_by_agents_and_teams(demo: Demo) -> None:
    with demo.db.reading() as session:
        found = session.scalars(select(Call)).all()  # the whole rows: owners and facts too
        started = [call.started_at.replace(tzinfo=UTC) for call in found]
        assert len(found) == 12 and all(call.state == "ended" for call in found)
        now = datetime.now(UTC)
        assert all(now - timedelta(days=DAYS) < moment < now for moment in started)
        assert len({moment.date() for moment in started}) >= 2
        assert all(call.agent_user_id and call.team_id for call in found)
        assert {call.direction for call in found} >= {"inbound", "outbound"}
        assert {call.facts.get("queue") for call in found} >= {"support", "payments", "trading"}
        refused = [
            event
            for call in found
            for event in calls.ledger_events(session, call.id)
            if not event.accepted
        ]
        assert [event.kind for event in refused] == ["recording_started"]


def test_the_audit_trail_reads_in_time_order_from_before_the_month(demo: Demo) -> None:
    with demo.db.reading() as session:
        events = audit.find(session, EventFilter(), None, 1000).rows
        times = [event.occurred_at.replace(tzinfo=UTC) for event in events]
        actions = {event.action for event in events}
    assert 100 < len(events) < 1000 and times == sorted(times)
    assert times[0] < datetime.now(UTC) - timedelta(days=DAYS)  # init, before the first call
    assert {"call.violation", "recording.stored", "recording.analysed"} <= actions


def test_recordings_play_through_the_api_for_the_agents_supervisor(demo: Demo) -> None:
    people = demo.passwords()
    with TestClient(create_app(demo.settings, demo.db, run_jobs=False)) as client:
        signed_in = client.post(
            "/v1/auth/token",
            json={"username": "supervisor-north", "password": people["supervisor-north"][2]},
        ).json()
        headers = {"Authorization": f"Bearer {signed_in['token']}"}
        listed = client.get("/v1/recordings", headers=headers).json()["items"]
    with demo.db.reading() as session:
        everything = recordings.search(session, SYSTEM, SearchFilter(), None, 100).rows
        team = identity.find_team(session, "north")
        assert team is not None
        north = {r.id for r in everything if r.team_id == team.id}
        every_id = {r.id for r in everything}
    assert listed and {item["recording_id"] for item in listed} == north != every_id
    with TestClient(create_app(demo.settings, demo.db, run_jobs=False)) as client:
        audio = client.get(
            f"/v1/recordings/{listed[0]['recording_id']}/audio",
            params={"reason": "demo check"},
            headers=headers,
        )
        assert audio.status_code == 200, audio.text
    samples, rate = soundfile.read(io.BytesIO(audio.content), always_2d=True)
    assert rate == 8000 and samples.shape[1] == 2 and samples.shape[0] > 10 * rate
    assert abs(samples).max() > 0.01  # speech, not silence


def test_the_audio_check_found_the_seeded_defects(demo: Demo) -> None:
    with demo.db.reading() as session:
        stored = recordings.search(session, SYSTEM, SearchFilter(), None, 100).rows
        kinds = [
            finding.kind
            for recording in stored
            for finding in verification.list_findings(session, recording.id)
        ]
        assert all(recording.analysed_at is not None for recording in stored)
    assert kinds.count("payment_audio_leak") == 1
    assert kinds.count("notice_missing") == 2  # one silent prompt, one never played
    assert kinds.count("notice_not_in_ledger") == 1
    assert kinds.count("notice_verified") >= 4
    assert "findings: " in demo.output and "payment_audio_leak 1" in demo.output


def test_a_second_run_is_refused_and_writes_nothing(demo: Demo) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(demo.data_dir)}
    before = runner.invoke(app, ["audit", "verify"], env=env)
    assert before.exit_code == 0 and "audit chain verifies" in before.output, before.output
    again = runner.invoke(app, ["demo", "--calls", "12"], env=env)
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"error: {demo.data_dir} already holds calls or recordings; point CALLWARDEN_DATA_DIR "
        "at a new directory and run it there"
    ]
    assert runner.invoke(app, ["audit", "verify"], env=env).output == before.output


def test_a_directory_initialised_today_cannot_hold_last_month(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    refused = runner.invoke(app, ["demo", "--calls", "12", "--days", "2"], env=env)
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"error: no recording policy was in force in {tmp_path / 'var'} 2 days ago, when the demo month begins; "
        "point CALLWARDEN_DATA_DIR at a new directory and run it there"
    ]
    listed = runner.invoke(app, ["calls", "list", "--json"], env=env)
    assert listed.exit_code == 0 and '"items": []' in listed.output, listed.output


def test_a_sweep_of_the_demo_years_on_is_certified_and_verifies_with_the_public_key_alone(
    demo: Demo, tmp_path: Path
) -> None:
    """The issue's last check: dispose of the demo's recordings (a copy, years on, when every
    purpose's minimum has run out), then verify the certificate offline."""
    copy = tmp_path / "var"
    shutil.copytree(demo.data_dir, copy)
    env = {"CALLWARDEN_DATA_DIR": str(copy)}
    later = (datetime.now(UTC) + timedelta(days=8 * 366)).date().isoformat()
    swept = runner.invoke(app, ["retention", "sweep", "--as-of", later], env=env)
    assert swept.exit_code == 0, swept.output
    settings = Settings(data_dir=copy, log_format="text", log_level="warning")
    database = Database(settings.resolved_database_url)
    with database.reading() as session:
        sweeps = list(session.execute(select(RetentionSweep)).scalars())
        disposed = session.execute(select(Recording.id).where(Recording.state == "disposed")).all()
        stored = session.execute(select(Recording.id).where(Recording.state != "disposed")).all()
        sweep_id = sweeps[0].id
    database.dispose()
    assert len(sweeps) == 1 and disposed and not stored, swept.output
    certificate_file, key_file = tmp_path / "certificate.json", tmp_path / "public.pem"
    shown = runner.invoke(
        app, ["retention", "certificate", "show", sweep_id, "-o", str(certificate_file)], env=env
    )
    assert shown.exit_code == 0, shown.output
    exported = runner.invoke(app, ["audit", "public-key", "-o", str(key_file)], env=env)
    assert exported.exit_code == 0, exported.output
    checked = offline(tmp_path, "verify", str(certificate_file), "--public-key", str(key_file))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(disposed)} recording" in checked.stdout
