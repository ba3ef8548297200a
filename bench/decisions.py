"""Decision engine benchmark.

1. In-process: decisions per second over a fixed mix of 10,000 calls (mixed jurisdictions,
   numbers to resolve, multi-party), one thread. Target: >= 50,000/s on one core.
2. Over HTTP: p50/p99 latency of POST /v1/decisions at a fixed 200 requests/s against a real
   `callwarden serve` on loopback (SQLite, every decision stored and audited). Target p99 <= 20 ms.

Run: .venv/bin/python bench/decisions.py [--calls 10000] [--rate 200] [--seconds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from loadgen import build_post, open_loop

from callwarden.bootstrap import EXAMPLE_POLICY
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.decisions.engine import decide
from callwarden.decisions.facts import CallFactsIn
from callwarden.law.knowledge import load_knowledge_base
from callwarden.policy.service import validate_text

AREA_CODES = [
    "212",
    "213",
    "305",
    "312",
    "415",
    "503",
    "512",
    "602",
    "702",
    "206",
    "617",
    "404",
    "215",
    "303",
    "248",
    "302",
    "802",
    "860",
    "416",
    "604",
    "514",
]
INTERNATIONAL = [
    "+4930123456",
    "+442079460000",
    "+33142685300",
    "+35312345678",
    "+61212345678",
    "+6421123456",
    "+81312345678",
    "+5511912345678",
]
EXPLICIT = ["US-CA", "US-TX", "US-WA", "DE", "GB", "FR", "US-FL", "US-IL", "CA-ON", "AU-NSW"]
QUEUES = [None, "support", "sales", "payments", "trading"]


def call_mix(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """A fixed, reproducible mix of call facts."""
    rng = random.Random(seed)
    calls = []
    for index in range(count):
        parties: list[dict[str, Any]] = []
        for role in ["customer", "agent"] + (["third_party"] if rng.random() < 0.2 else []):
            roll = rng.random()
            if roll < 0.55:
                number = f"+1{rng.choice(AREA_CODES)}555{rng.randrange(10000):04d}"
                parties.append({"role": role, "number": number})
            elif roll < 0.8:
                parties.append(
                    {"role": role, "number": rng.choice(INTERNATIONAL), "language": "de"}
                )
            else:
                parties.append({"role": role, "jurisdiction": rng.choice(EXPLICIT)})
        calls.append(
            {
                "direction": rng.choice(["inbound", "outbound", "inbound", "internal"]),
                "queue": rng.choice(QUEUES),
                "call_id": f"bench-{index}",
                "parties": parties,
            }
        )
    return calls


def in_process(count: int) -> float:
    validated = validate_text(EXAMPLE_POLICY.read_text(encoding="utf-8"))
    policy = CompiledPolicy.build(validated.document, 1, load_knowledge_base())
    facts = [CallFactsIn.model_validate(call).to_facts() for call in call_mix(count)]
    for item in facts[:500]:  # warm caches the way a running service would be
        decide(item, policy)
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for item in facts:
            decide(item, policy)
        best = max(best, count / (time.perf_counter() - started))
    return best


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def over_http(rate: int, seconds: float) -> tuple[float, float, int, int]:
    work = Path(tempfile.mkdtemp(prefix="callwarden-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "CALLWARDEN_DATA_DIR": str(work / "var"),
        "CALLWARDEN_BIND_PORT": str(port),
        "CALLWARDEN_LOG_LEVEL": "warning",
    }
    env.pop("CALLWARDEN_DATABASE_URL", None)
    cli = [sys.executable, "-m", "callwarden"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "users", "create-service", "pbx"],
        env=env,
        check=True,
        capture_output=True,
    )
    token = (
        subprocess.run(
            [*cli, "tokens", "create", "--user", "pbx"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(
        [*cli, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        return _drive(base, token, rate, seconds)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _drive(base: str, token: str, rate: int, seconds: float) -> tuple[float, float, int, int]:
    """Open-loop load from a light asyncio client (see loadgen.py), after a second of warm-up."""
    port = int(base.rsplit(":", 1)[1])
    headers = {"Authorization": f"Bearer {token}"}
    bodies = [
        json.dumps(call).encode() for call in call_mix(int(rate * (seconds + 1)) + 1, seed=11)
    ]
    requests = [build_post("127.0.0.1", port, "/v1/decisions", body, headers) for body in bodies]
    open_loop("127.0.0.1", port, requests[:rate], rate)
    result = open_loop("127.0.0.1", port, requests[rate : rate + int(rate * seconds)], rate)
    ordered = sorted(result.latencies_s)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    failed = result.failures + sum(n for status, n in result.statuses.items() if status != 201)
    if result.client_stall_s > 0.05:
        print(
            f"note: the load generator itself stalled for up to {result.client_stall_s * 1000:.0f}"
            " ms (the machine, not the server, was busy); latencies include that"
        )
    return statistics.median(ordered) * 1000, p99 * 1000, len(ordered), failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    per_second = in_process(args.calls)
    print(
        f"in-process: {per_second:,.0f} decisions/s over a mix of {args.calls:,} calls "
        f"(target >= 50,000/s)"
    )
    if args.skip_http:
        return
    p50, p99, count, failures = over_http(args.rate, args.seconds)
    print(
        f"HTTP POST /v1/decisions at {args.rate} req/s for {args.seconds:.0f} s: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms over {count} requests, {failures} failed (target p99 <= 20 ms)"
    )


if __name__ == "__main__":
    main()
