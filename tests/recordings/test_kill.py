"""SIGKILL a real `callwarden serve` during uploads, round after round; nothing acknowledged is lost.

Clients stream WAV uploads (paced, so kills land mid-body as well as mid-commit) and retry with
the same idempotency key whenever the server vanishes, as a phone system would. At the end:
every acknowledged upload plays back whole and hashes right, every row has an intact object,
and after a sweep with no grace no object is left without a row.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from callwarden.bootstrap import initialise
from callwarden.config import Settings
from callwarden.db import Database
from tests.recordings.conftest import CALIFORNIA
from tests.support.factories import bearer, make_token

SEED = 20261127
KILLS = 6
CLIENTS = 6
PIECE = 64 * 1024


def wav_bytes(rng: random.Random) -> bytes:
    """Mono 8 kHz 16-bit PCM with random samples: every upload's bytes differ."""
    payload = rng.randbytes(rng.randrange(32, 1600) * 1024)
    header = b"RIFF" + struct.pack("<I", 36 + len(payload)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(payload)) + payload


@dataclass
class Server:
    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWARDEN_")}
        return env | {
            "CALLWARDEN_DATA_DIR": str(self.data_dir),
            "CALLWARDEN_BIND_PORT": str(self.port),
            "CALLWARDEN_LOG_LEVEL": "error",
        }

    def start(self) -> None:
        command = [sys.executable, "-m", "callwarden", "serve"]
        self.process = subprocess.Popen(
            command, env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("callwarden serve did not come up")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_call(client: httpx.Client) -> str:
    started = datetime.now(UTC) - timedelta(minutes=5)
    call = client.post("/v1/calls", json={**CALIFORNIA, "started_at": started.isoformat()})
    assert call.status_code == 201, call.text
    call_id: str = call.json()["call_id"]
    steps: list[tuple[str, dict[str, object]]] = [
        ("notice_played", {"party": "customer"}),
        ("recording_started", {"offset_s": 0.0}),
    ]
    for offset, (kind, extra) in enumerate(steps):
        moment = (started + timedelta(seconds=offset + 1)).isoformat()
        body = {"event_id": f"{call_id}-{kind}", "kind": kind, "occurred_at": moment, **extra}
        assert client.post(f"/v1/calls/{call_id}/events", json=body).status_code in (200, 201)
    return call_id


def paced(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), PIECE):
        yield body[start : start + PIECE]
        time.sleep(0.002)


class Uploads:
    """Client threads uploading until told to stop; each upload retried until answered."""

    def __init__(self, server: Server, headers: dict[str, str], calls: list[str]) -> None:
        self.server, self.headers, self.calls = server, headers, calls
        self.up, self.done = threading.Event(), threading.Event()
        self.acked: dict[str, tuple[str, bytes]] = {}  # key -> (recording id, bytes)
        self.failures: list[str] = []
        self.retried = 0
        self.lock = threading.Lock()

    def client(self, number: int) -> None:
        rng = random.Random(SEED + number)
        with httpx.Client(base_url=self.server.base, headers=self.headers, timeout=30) as http:
            upload = 0
            while not self.done.is_set():
                key, body = f"c{number}-u{upload}", wav_bytes(rng)
                self.send(http, key, rng.choice(self.calls), body)
                upload += 1

    def send(self, http: httpx.Client, key: str, call_id: str, body: bytes) -> None:
        while True:
            self.up.wait()
            try:
                answer = http.post(
                    f"/v1/calls/{call_id}/recordings",
                    content=paced(body),
                    params={"idempotency_key": key},
                )
            except httpx.TransportError:
                with self.lock:
                    self.retried += 1
                time.sleep(0.05)
                continue
            with self.lock:
                if answer.status_code in (200, 201):
                    self.acked[key] = (answer.json()["recording_id"], body)
                else:
                    self.failures.append(f"{key}: {answer.status_code} {answer.text[:200]}")
            return


def test_acknowledged_uploads_survive_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    settings = Settings(data_dir=data_dir, log_format="text", log_level="error")
    initialise(settings)
    db = Database(settings.resolved_database_url)
    pbx, cora = (
        bearer(make_token(db, "integration", "pbx")),
        bearer(make_token(db, "compliance_officer", "cora")),
    )
    db.dispose()
    server = Server(data_dir, free_port())
    server.start()
    with httpx.Client(base_url=server.base, headers=pbx, timeout=30) as http:
        calls = [new_call(http) for _ in range(3)]
    uploads = Uploads(server, pbx, calls)
    uploads.up.set()
    threads = [threading.Thread(target=uploads.client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    killer = random.Random(SEED)
    try:
        for _ in range(KILLS):
            time.sleep(killer.uniform(0.3, 1.5))
            uploads.up.clear()
            server.kill()
            server.start()
            uploads.up.set()
        time.sleep(0.5)
    finally:
        uploads.done.set()
        uploads.up.set()
        for thread in threads:
            thread.join(60)
    assert uploads.failures == []
    assert len(uploads.acked) > 20 and uploads.retried >= KILLS  # kills did hit uploads

    with httpx.Client(base_url=server.base, headers=cora, timeout=30) as http:
        for key, (recording_id, body) in uploads.acked.items():
            meta = http.get(f"/v1/recordings/{recording_id}").json()
            played = http.get(
                f"/v1/recordings/{recording_id}/audio", params={"reason": "kill test"}
            )
            assert played.status_code == 200 and played.content == body, key
            assert (
                meta["sha256"]
                == hashlib.sha256(body).hexdigest()
                == hashlib.sha256(played.content).hexdigest()
            )
    server.kill()

    with sqlite3.connect(data_dir / "callwarden.db") as database:
        rows = dict(database.execute("SELECT id, object_key FROM recordings").fetchall())
    assert set(rows) == {recording_id for recording_id, _body in uploads.acked.values()}
    vault = data_dir / "vault"
    assert all((vault / key).is_file() for key in rows.values())  # no row without its object
    swept = subprocess.run(
        [sys.executable, "-m", "callwarden", "jobs", "sweep", "--grace-minutes", "0"],
        env=server.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    left = {path.relative_to(vault).as_posix() for path in vault.rglob("*") if path.is_file()}
    assert left == set(rows.values()), swept.stdout
