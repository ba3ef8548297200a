"""The Twilio fetch job against a local HTTP server standing in for Twilio's media URLs."""

from __future__ import annotations

import base64
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import Runner
from callwarden.kit import clock
from callwarden.models import AuditEvent, ProviderRecording, Recording
from tests.recordings.conftest import CALIFORNIA, objects, recorded_call
from tests.support.audio import wav
from tests.support.calls import CallDriver

ACCOUNT = "AC" + "ab" * 16
TOKEN = "media-token-not-secret"
_sids = itertools.count(1)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    cut_after: int | None = None  # close the connection after this many body bytes


@dataclass
class FakeMedia:
    """Serves scripted replies per recording path; remembers every request it got."""

    base: str = ""
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    seen: list[dict[str, Any]] = field(default_factory=list)
    during: list[Callable[[], None]] = field(default_factory=list)  # run while serving a body

    def script(self, sid: str, *replies: Reply) -> None:
        self.replies[f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}.wav"] = list(replies)

    def hits(self, sid: str) -> int:
        return sum(1 for request in self.seen if sid in request["path"])


@pytest.fixture
def media() -> Iterator[FakeMedia]:
    fake = FakeMedia()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.seen.append(
                {
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "auth": self.headers.get("Authorization"),
                }
            )
            for step in fake.during:
                step()
            queue = fake.replies.get(parts.path) or [Reply(404)]
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            self.send_response(reply.status)
            self.send_header("Content-Type", "audio/x-wav")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            body = reply.body if reply.cut_after is None else reply.body[: reply.cut_after]
            self.wfile.write(body)
            self.close_connection = reply.cut_after is not None

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def job_settings(vault_settings: Settings, media: FakeMedia) -> Settings:
    return vault_settings.model_copy(
        update={
            "twilio_account_sid": ACCOUNT,
            "twilio_auth_token": TOKEN,
            "twilio_api_base_url": media.base,
            "fetch_backoff_seconds": 0.01,
            "fetch_max_attempts": 4,
        }
    )


def provider_row(db: Database, media: FakeMedia, call_id: str, channels: int = 2) -> str:
    """What the Twilio adapter stores for a completed recording-status callback."""
    sid = f"RE{next(_sids):032x}"
    with db.unit_of_work() as session:
        session.add(
            ProviderRecording(
                call_id=call_id,
                provider="twilio",
                recording_sid=sid,
                status="completed",
                media_url=f"{media.base}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}",
                duration_s=2.0,
                channels=channels,
                received_at=clock.now(),
                fetch_attempts=0,
                raw={"RecordingSid": sid, "RecordingStartTime": "Fri, 27 Nov 2026 10:00:00 +0000"},
            )
        )
    return sid


def row(db: Database, sid: str) -> ProviderRecording:
    with db.reading() as session:
        found = session.execute(
            select(ProviderRecording).where(ProviderRecording.recording_sid == sid)
        ).scalar_one()
        session.expunge(found)
        return found


def run(settings: Settings, db: Database) -> int:
    """One in-process run of the scan and the downloads it queued (retries due soon included);
    returns how many downloads the scan queued."""
    scan, *_downloads = Runner(settings, db, only=["twilio.fetch_recordings"]).run_once()
    assert scan.error is None and isinstance(scan.result, int)
    return scan.result


def actions(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_a_completed_recording_is_fetched_into_the_vault(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = wav(2.0, seed=3)
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(body=audio))
    assert run(job_settings, db) == 1
    fetched = row(db, sid)
    assert (fetched.fetch_attempts, fetched.fetch_error) == (1, None)
    [request] = media.seen
    expected = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    assert request["auth"] == f"Basic {expected}"
    assert request["query"] == {"RequestedChannels": ["2"]}
    body = api.get(f"/v1/recordings/{fetched.fetched_recording_id}", headers=people["cora"]).json()
    assert body["sha256"] == hashlib.sha256(audio).hexdigest()
    assert body["channel_map"] == ["customer", "agent"]
    assert body["started_at"].startswith("2026-11-27T10:00:00")
    played = api.get(
        f"/v1/recordings/{fetched.fetched_recording_id}/audio",
        params={"reason": "fetch check"},
        headers=people["cora"],
    )
    assert played.content == audio
    with db.reading() as session:
        assert session.get(Recording, fetched.fetched_recording_id).source == "twilio"  # type: ignore[union-attr]
    assert run(job_settings, db) == 0 and len(media.seen) == 1  # done: never fetched again


def test_server_errors_and_cut_transfers_are_retried_with_backoff(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
    vault_settings: Settings,
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = wav(3.0, seed=4)
    flaky, cut = provider_row(db, media, call.call_id), provider_row(db, media, call.call_id)
    media.script(flaky, Reply(503), Reply(503), Reply(body=audio))
    media.script(cut, Reply(body=audio, cut_after=len(audio) // 2), Reply(body=audio))
    assert run(job_settings, db) == 2
    assert (row(db, flaky).fetch_attempts, row(db, cut).fetch_attempts) == (3, 2)
    assert row(db, flaky).fetch_error is None and row(db, cut).fetch_error is None
    with db.reading() as session:
        stored = list(session.execute(select(Recording.sha256)).scalars())
    assert stored == [hashlib.sha256(audio).hexdigest()] * 2
    assert len(objects(vault_settings)) == 2  # the cut transfer left no half object


def test_a_404_is_final(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
    vault_settings: Settings,
) -> None:
    call = recorded_call(api, people["pbx"])
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(404))
    run(job_settings, db)
    run(job_settings, db)
    gone = row(db, sid)
    assert gone.fetch_attempts == 1 and media.hits(sid) == 1
    assert gone.fetch_error is not None and gone.fetch_error.startswith("final: HTTP 404")
    assert gone.fetched_recording_id is None and objects(vault_settings) == []
    assert "twilio.recording_fetch_failed" in actions(db)


def test_a_refused_recording_is_final_and_not_even_downloaded(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
    vault_settings: Settings,
) -> None:
    hr_line = CallDriver(api, people["pbx"], {**CALIFORNIA, "line": "+15125550100"})
    sid = provider_row(db, media, hr_line.call_id)
    media.script(sid, Reply(body=wav(1.0)))
    run(job_settings, db)
    run(job_settings, db)
    refused = row(db, sid)
    assert refused.fetch_error is not None
    assert refused.fetch_error.startswith("final: refused: this call must not be recorded")
    assert media.seen == [] and objects(vault_settings) == []
    with db.reading() as session:
        assert session.execute(select(Recording)).first() is None
        actor, data = session.execute(
            select(AuditEvent.actor, AuditEvent.data).where(
                AuditEvent.action == "recording.refused"
            )
        ).one()
    assert actor == "job:twilio-fetch" and data["source"] == "twilio"


def test_retries_are_bounded_and_spread_across_runs(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
) -> None:
    call = recorded_call(api, people["pbx"])
    down = provider_row(db, media, call.call_id)
    media.script(down, Reply(500))
    run(job_settings, db)
    assert row(db, down).fetch_attempts == 4 and media.hits(down) == 4
    assert row(db, down).fetch_error == (
        "final: gave up after 4 attempts: Retryable: HTTP 500 from 127.0.0.1"
    )
    slow = provider_row(db, media, call.call_id)
    media.script(slow, Reply(429), Reply(body=wav(1.0)))
    patient = job_settings.model_copy(update={"fetch_backoff_seconds": 100.0})
    run(patient, db)
    assert row(db, slow).fetch_attempts == 1 and "429" in (row(db, slow).fetch_error or "")
    run(patient, db)
    assert media.hits(slow) == 1  # not due yet: 100 s after the first failure
    with clock.frozen_at(clock.now() + timedelta(seconds=101)):
        run(patient, db)
    assert row(db, slow).fetched_recording_id is not None and media.hits(slow) == 2


def test_nothing_is_fetched_without_credentials_or_to_a_foreign_host(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
) -> None:
    call = recorded_call(api, people["pbx"])
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(body=wav(1.0)))
    assert run(job_settings.model_copy(update={"twilio_auth_token": None}), db) == 0
    assert media.seen == [] and row(db, sid).fetch_attempts == 0
    elsewhere = job_settings.model_copy(update={"twilio_api_base_url": "https://api.twilio.com"})
    run(elsewhere, db)
    assert media.seen == []
    assert row(db, sid).fetch_error == (
        "final: refusing to send the Twilio credentials to '127.0.0.1'"
    )


def test_no_row_lock_is_held_while_the_audio_downloads(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
) -> None:
    call = recorded_call(api, people["pbx"])
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(body=wav(1.0, seed=5)))
    seen: list[tuple[int, object]] = []

    def lock_it_meanwhile() -> None:  # another worker (or the API) writing the row right now
        lock = select(ProviderRecording).where(ProviderRecording.recording_sid == sid)
        with db.unit_of_work() as session:
            if not db.is_sqlite:
                lock = lock.with_for_update(nowait=True)  # fails at once if the row is locked
            found = session.execute(lock).scalar_one()
            seen.append((found.fetch_attempts, found.fetch_claimed_until))

    media.during.append(lock_it_meanwhile)
    assert run(job_settings, db) == 1
    [(attempts, leased_until)] = seen
    assert attempts == 0 and leased_until is not None  # leased, committed, not locked
    assert row(db, sid).fetched_recording_id is not None


def test_a_leased_row_waits_for_its_worker_and_a_lapsed_lease_is_taken_over(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    job_settings: Settings,
    media: FakeMedia,
) -> None:
    call = recorded_call(api, people["pbx"])
    sid = provider_row(db, media, call.call_id)
    media.script(sid, Reply(body=wav(1.0, seed=6)))
    with db.unit_of_work() as session:  # another worker took it, then crashed
        taken = session.execute(
            select(ProviderRecording).where(ProviderRecording.recording_sid == sid)
        ).scalar_one()
        taken.fetch_claimed_until = clock.now() + timedelta(minutes=15)
    assert run(job_settings, db) == 0 and media.seen == []
    with clock.frozen_at(clock.now() + timedelta(minutes=16)):
        assert run(job_settings, db) == 1
    fetched = row(db, sid)
    assert fetched.fetched_recording_id is not None and fetched.fetch_claimed_until is None
