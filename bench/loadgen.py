"""A small open-loop HTTP/1.1 load generator for benchmarks (loopback only).

httpx costs about as much CPU per request as the server under test, which on a 2-core machine
measures the client, not the server. This sends pre-built requests over keep-alive connections
with asyncio, starts each on a fixed schedule whatever the server's speed (so queueing shows up
as latency instead of being hidden), and reads just the status line and body length.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    latencies_s: list[float]
    failures: int
    statuses: dict[int, int]
    client_stall_s: float = 0.0  # the longest the client itself was late waking up


def build_post(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status


async def _run(
    host: str, port: int, requests: Sequence[bytes], rate: float, connections: int
) -> Result:
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0

    async def one(request: bytes) -> None:
        nonlocal failures
        started = time.perf_counter()
        reader, writer = await pool.get()
        try:
            writer.write(request)
            status = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            # An idle keep-alive connection the server closed: reconnect and send it once more.
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(request)
                status = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                failures += 1
                status = 0
        finally:
            pool.put_nowait((reader, writer))
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1

    worst_stall = 0.0
    running = True

    async def watch() -> None:
        """A 10 ms heartbeat: how late it wakes shows stalls of the machine, not the server."""
        nonlocal worst_stall
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            worst_stall = max(worst_stall, time.perf_counter() - before - 0.01)

    watcher = asyncio.create_task(watch())
    interval = 1.0 / rate
    start = time.perf_counter()
    tasks = []
    for index, request in enumerate(requests):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request)))
    await asyncio.gather(*tasks)
    running = False
    await watcher
    while not pool.empty():
        _reader, writer = pool.get_nowait()
        writer.close()
    return Result(latencies, failures, statuses, worst_stall)


def open_loop(
    host: str, port: int, requests: Sequence[bytes], rate: float, connections: int = 64
) -> Result:
    """Send `requests` at `rate` per second; each latency includes any wait for a connection."""
    return asyncio.run(_run(host, port, requests, rate, connections))
