"""Upload limits and shutdown against a real `callwarden serve` on a loopback port.

An upload over the limit is answered 413 (before any byte is read when the length is declared,
at the limit when the body streams) and the connection is closed, so a client that writes its
whole body before reading is not left blocked; SIGTERM stops the server within its grace period
even while a client holds an upload open. Nothing is left behind: no row, no object.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import Recording
from tests.recordings.conftest import CALIFORNIA
from tests.support.factories import bearer, make_token
from tests.support.server import ServeProcess

GIB = 1024**3


def wav_header(data_bytes: int) -> bytes:
    """Mono 8 kHz 16-bit PCM header promising `data_bytes` of samples."""
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    riff = b"RIFF" + struct.pack("<I", min(36 + data_bytes, 0xFFFFFFFF)) + b"WAVE"
    return riff + fmt + b"data" + struct.pack("<I", data_bytes)


def new_call(server: ServeProcess, headers: dict[str, str]) -> str:
    started = datetime.now(UTC) - timedelta(minutes=5)
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as http:
        call = http.post("/v1/calls", json={**CALIFORNIA, "started_at": started.isoformat()})
        assert call.status_code == 201, call.text
        call_id: str = call.json()["call_id"]
        steps: list[tuple[str, dict[str, object]]] = [
            ("notice_played", {"party": "customer"}),
            ("recording_started", {"offset_s": 0.0}),
        ]
        for offset, (kind, extra) in enumerate(steps):
            moment = (started + timedelta(seconds=offset + 1)).isoformat()
            event = {"event_id": f"{kind}-{offset}", "kind": kind, "occurred_at": moment, **extra}
            answer = http.post(f"/v1/calls/{call_id}/events", json=event)
            assert answer.status_code in (200, 201), answer.text
    return call_id


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read until the server closes the connection; a server that never does fails the test."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, body


def assert_nothing_stored(db: Database, server: ServeProcess) -> None:
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(Recording)).scalar_one() == 0
    vault = server.data_dir / "vault"
    assert [path for path in vault.rglob("*") if path.is_file()] == []


@pytest.fixture
def serve(db: Database, tmp_path: Path) -> Iterator[ServeProcess]:
    server = ServeProcess(tmp_path / "var", db.url)
    server.initialise()
    yield server
    server.stop()


def test_a_declared_length_over_the_default_limit_is_refused_before_the_body(
    serve: ServeProcess, db: Database
) -> None:
    serve.start()
    headers = bearer(make_token(db, "integration", "pbx"))
    call_id = new_call(serve, headers)
    with serve.connect() as connection:
        request = (
            f"POST /v1/calls/{call_id}/recordings?idempotency_key=huge HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
            f"Content-Type: audio/wav\r\nContent-Length: {3 * GIB}\r\n\r\n"
        )
        connection.sendall(request.encode())  # and not one byte of the body
        status, answer_headers, body = read_response(connection)
    assert status == 413 and answer_headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["code"] == "payload_too_large" and str(2 * GIB) in problem["detail"]
    assert_nothing_stored(db, serve)


def test_a_streamed_body_crossing_the_limit_is_refused_at_the_limit(
    serve: ServeProcess, db: Database
) -> None:
    limit = 256 * 1024
    serve.settings["max_recording_bytes"] = str(limit)
    serve.start()
    headers = bearer(make_token(db, "integration", "pbx"))
    call_id = new_call(serve, headers)

    piece, pieces, sent = b"\x01\x02" * 32768, 4096, [0]  # 256 MiB: far past the limit

    def endless_wav() -> Iterator[bytes]:  # chunked: no declared length
        yield wav_header(0xFFFFFFFF)
        for _ in range(pieces):
            sent[0] += len(piece)
            yield piece

    with httpx.Client(base_url=serve.base, headers=headers, timeout=30) as http:
        answer = http.post(
            f"/v1/calls/{call_id}/recordings",
            params={"idempotency_key": "endless"},
            content=endless_wav(),
        )
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "payload_too_large" and str(limit) in answer.json()["detail"]
    assert answer.headers["connection"] == "close"
    assert sent[0] < pieces * len(piece)  # the server stopped reading: the rest was never sent
    assert_nothing_stored(db, serve)


def test_sigterm_stops_the_server_while_an_upload_is_held_open(
    serve: ServeProcess, db: Database
) -> None:
    grace = 1
    serve.settings["shutdown_grace_seconds"] = str(grace)
    serve.start()
    headers = bearer(make_token(db, "integration", "pbx"))
    call_id = new_call(serve, headers)
    promised = 8 * 1024 * 1024
    with serve.connect() as connection:
        request = (
            f"POST /v1/calls/{call_id}/recordings?idempotency_key=held HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
            f"Content-Type: audio/wav\r\nContent-Length: {promised}\r\n\r\n"
        )
        connection.sendall(request.encode() + wav_header(promised - 44) + bytes(512 * 1024))
        # The health check answers only once the upload's request was read up to its body.
        assert httpx.get(f"{serve.base}/healthz", timeout=30).status_code == 200
        serve.terminate()
        assert serve.process is not None
        serve.process.wait(timeout=grace + 60)  # a generous bound, not a timing assertion
    assert_nothing_stored(db, serve)
