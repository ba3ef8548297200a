"""Intake benchmark: how close recording intake gets to the machine's ceiling for the same work.

In one run:
  (a) ceiling: SHA-256 plus AES-256-GCM over the same bytes in memory (bench/vault_ceiling.py);
  (b) library: `intake.ingest` with the filesystem store, a large WAV streamed from a generator;
  (c) HTTP: the same upload streamed with httpx to a real `callwarden serve`;
  (d) one-minute mono 8 kHz WAVs per second over HTTP, several concurrent clients, SQLite.
Targets: (b) >= 50% of (a), (c) >= 25% of (a), (d) >= 100 recordings/s.

Each figure comes with what bounds it on this machine, so a miss points at its cause: for (b)
sealing alone (sniff, hash, encrypt; no store) and the filesystem store alone (write + fsync of
the sealed bytes); for (c) the same upload to an ASGI app that only drains the body under the
same uvicorn (HTTP alone); for (d) the server's CPU time per recording (Linux /proc).

    .venv/bin/python bench/intake.py [--mib 200] [--repeat 3] [--clients 4] [--seconds 10]
                                     [--dir /path/on/the/disk/to/measure]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from vault_ceiling import MIB, best_seconds, measure_ceiling

from callwarden.bootstrap import initialise
from callwarden.calls import service as calls
from callwarden.calls.schemas import CallCreate, EventIn
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.recordings import intake
from callwarden.recordings.upload import IntakeRequest
from callwarden.vault.format import new_data_key
from callwarden.vault.media import MediaSniffer
from callwarden.vault.runtime import vault_for
from callwarden.vault.sealing import Sealer
from callwarden.vault.stores import FileSystemStore

PIECE = MIB
MINUTE_WAV_BYTES = 60 * 8000 * 2  # one minute, mono, 8 kHz, 16-bit PCM
CUSTOMER, AGENT = {"role": "customer", "number": "+14155550123"}, {"role": "agent"}
FACTS: dict[str, Any] = {
    "direction": "inbound",
    "parties": [CUSTOMER, AGENT | {"jurisdiction": "US-TX"}],
}


def wav_header(data_bytes: int, channels: int = 1, rate: int = 8000) -> bytes:
    block = 2 * channels
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
    riff = struct.pack("<I", 36 + data_bytes)
    return b"RIFF" + riff + b"WAVE" + b"fmt " + fmt + b"data" + struct.pack("<I", data_bytes)


def wav_stream(total: int, block: bytes) -> Iterator[bytes]:
    """A WAV of `total` bytes as pieces of `block`: generated, never held whole."""
    yield wav_header(total - 44)
    left = total - 44
    while left > 0:
        yield block[:left] if left < len(block) else block
        left -= len(block)


def make_call(db: Database) -> str:
    """A call whose consent ledger lets recordings in (notice played, recording started)."""
    started = clock.now() - timedelta(minutes=1)
    events: list[tuple[str, dict[str, Any]]] = [
        ("notice_played", {"party": "customer"}),
        ("recording_started", {"offset_s": 0.0}),
    ]
    with db.unit_of_work() as session:
        body = CallCreate.model_validate({**FACTS, "started_at": started})
        call_id = calls.create_call(session, SYSTEM, body).call.id
        for number, (kind, extra) in enumerate(events):
            event = {"event_id": f"e{number}", "kind": kind, "occurred_at": started, **extra}
            calls.record_event(session, SYSTEM, call_id, EventIn.model_validate(event))
    return call_id


def library(settings: Settings, size: int, block: bytes, repeat: int) -> float:
    db = Database(settings.resolved_database_url)
    vault, call_id, runs = vault_for(settings), make_call(db), iter(range(repeat))

    def ingest() -> None:
        request = IntakeRequest(call_id, idempotency_key=f"lib-{next(runs)}")
        spool = settings.data_dir / "spool"
        intake.ingest(db, vault, SYSTEM, request, wav_stream(size, block), spool)

    try:
        return best_seconds(ingest, repeat)
    finally:
        db.dispose()


def sealing_alone(size: int, block: bytes, repeat: int) -> float:
    """What intake does to the bytes, minus the store: sniff, hash, encrypt."""

    def seal() -> None:
        sealer, sniffed = Sealer(new_data_key(), "rec_bench"), intake._tap  # intake's own tap
        for _ in sealer.seal(sniffed(wav_stream(size, block), MediaSniffer())):
            pass

    return best_seconds(seal, repeat)


def store_alone(root: Path, size: int, repeat: int) -> float:
    """The filesystem store writing and fsyncing as many bytes, already sealed."""
    store, chunk, runs = FileSystemStore(root), os.urandom(64 * 1024 + 16), iter(range(repeat))
    chunks = [chunk] * (size // (64 * 1024))
    return best_seconds(lambda: store.put(f"recordings/bench-{next(runs)}", chunks), repeat)


def client_setup(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """An integration user's bearer header, and calls to upload recordings to."""
    db = Database(settings.resolved_database_url)
    try:
        with db.unit_of_work() as session:
            identity.create_service_identity(session, SYSTEM, name="pbx")
            token = identity.create_token(session, SYSTEM, name="bench", owner="pbx").plaintext
        return {"Authorization": f"Bearer {token}"}, [make_call(db) for _ in range(4)]
    finally:
        db.dispose()


DRAIN_APP = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        return await send({"type": "lifespan.shutdown.complete"})
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b""})
uvicorn.run(app, port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def start(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A server on a free loopback port (`{port}` in the command), once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    env = (env or dict(os.environ)) | {"CALLWARDEN_BIND_PORT": port}
    server = subprocess.Popen([part.replace("{port}", port) for part in command], env=env)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"{command} did not start")


def serve(settings: Settings) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWARDEN_")}
    env |= {
        "CALLWARDEN_DATA_DIR": str(settings.data_dir),
        "CALLWARDEN_LOG_LEVEL": "warning",
        "CALLWARDEN_JOBS_IN_PROCESS": "false",
    }
    return start([sys.executable, "-m", "callwarden", "serve"], env)


def upload_seconds(
    base: str, path: str, headers: dict[str, str], size: int, block: bytes, repeat: int
) -> float:
    runs = iter(range(repeat))
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:

        def upload() -> None:
            key = {"idempotency_key": f"http-{next(runs)}"}
            answer = client.post(path, content=wav_stream(size, block), params=key)
            assert answer.status_code == 201, answer.text

        return best_seconds(upload, repeat)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_second(
    base: str, headers: dict[str, str], call_ids: list[str], clients: int, seconds: float
) -> tuple[int, int, float]:
    """One-minute mono WAVs from `clients` threads for `seconds`: (stored, failed, wall s)."""
    body = wav_header(MINUTE_WAV_BYTES) + os.urandom(MINUTE_WAV_BYTES)
    counts, lock = {"stored": 0, "failed": 0}, threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        path = f"/v1/calls/{call_ids[number % len(call_ids)]}/recordings"
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            sent = 0
            while time.monotonic() < deadline:
                key = {"idempotency_key": f"minute-{number}-{sent}"}
                ok = http.post(path, content=body, params=key).status_code == 201
                sent += 1
                with lock:
                    counts["stored" if ok else "failed"] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return counts["stored"], counts["failed"], time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="Size of the large WAV.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--dir", type=Path, default=None, help="Where the data dir goes.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="callwarden-intake-", dir=args.dir))
    try:
        ceiling, rate, minute = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gigabytes of sealed test audio
    report(args, ceiling, rate, minute)


def measure(
    args: argparse.Namespace, work: Path
) -> tuple[float, dict[str, float], tuple[float, ...]]:
    size, block = args.mib * MIB, os.urandom(PIECE)
    settings = Settings(data_dir=work / "var", log_format="text", log_level="warning")
    initialise(settings)
    ceiling = size / measure_ceiling(b"".join(wav_stream(size, block)), args.repeat)["ceiling"]
    rate = {
        "library": size / library(settings, size, block, args.repeat),
        "sealing": size / sealing_alone(size, block, args.repeat),
        "store": size / store_alone(work / "store-alone", size, args.repeat),
    }
    headers, call_ids = client_setup(settings)
    drain, base = start([sys.executable, "-c", DRAIN_APP, "{port}"])
    try:
        rate["drain"] = size / upload_seconds(base, "/", {}, size, block, args.repeat)
    finally:
        drain.terminate()
        drain.wait(30)
    server, base = serve(settings)
    try:
        path = f"/v1/calls/{call_ids[0]}/recordings"
        rate["http"] = size / upload_seconds(base, path, headers, size, block, args.repeat)
        cpu_before = cpu_seconds(server.pid)
        stored, failed, wall = per_second(base, headers, call_ids, args.clients, args.seconds)
        cpu_per_recording = (cpu_seconds(server.pid) - cpu_before) / max(stored, 1)
    finally:
        server.terminate()
        server.wait(30)
    return ceiling, rate, (stored, failed, wall, cpu_per_recording)


def report(
    args: argparse.Namespace, ceiling: float, rate: dict[str, float], minute: tuple[float, ...]
) -> None:
    def line(label: str, value: float, target: float | None = None) -> None:
        text = f"  {label:58} {value / MIB:6.0f} MiB/s = {value / ceiling:4.0%} of ceiling"
        if target is not None:
            text += f"  (target >= {target:.0%}: {'ok' if value / ceiling >= target else 'MISSED'})"
        print(text)

    stored, failed, wall, cpu = minute
    print(
        f"{args.mib} MiB WAV, {os.cpu_count()} CPUs, best of {args.repeat}, in {args.dir or '/tmp'}"
    )
    print(f"  {'(a) ceiling: SHA-256 + AES-256-GCM, in memory':58} {ceiling / MIB:6.0f} MiB/s")
    line("(b) library: intake.ingest, filesystem store", rate["library"], 0.5)
    line("      bound: sealing alone (sniff, hash, encrypt; no store)", rate["sealing"])
    line("      bound: filesystem store alone (write + fsync)", rate["store"])
    line("(c) HTTP: streamed upload to callwarden serve", rate["http"], 0.25)
    line("      bound: HTTP alone (uvicorn app that drains the body)", rate["drain"])
    disk = rate["store"] / ceiling
    for label, value, target in (("(b)", rate["library"], 0.5), ("(c)", rate["http"], 0.25)):
        if value / ceiling < target and disk < target:  # a miss the disk explains
            print(
                f"  note: {label} is bounded by this disk here: its write + fsync rate alone "
                f"({disk:.0%} of the ceiling) is under the target. Cloud disks slow down "
                "after bursts; rerun later, or pass --dir on a faster disk."
            )
    per_s, verdict = stored / wall, "ok" if stored / wall >= 100 else "MISSED"
    print(
        f"  (d) one-minute mono 8 kHz WAVs, HTTP, {args.clients} clients, SQLite: "
        f"{per_s:.1f} recordings/s, {failed:.0f} failed  (target >= 100/s: {verdict})"
    )
    print(f"      server CPU per recording: {cpu * 1000:.1f} ms")


if __name__ == "__main__":
    main()
