"""Process tuning for the server: each knob that trades Python's defaults for latency, here.

Each knob is a setting (`CALLWARDEN_*`, see `config.py` and the README) whose default is the value
a measurement chose. The figures come from `bench/decisions.py` (POST /v1/decisions at a fixed
200 requests/s against `callwarden serve` on SQLite, target p99 <= 20 ms) on a 2-core machine:

- **Request threads** (`CALLWARDEN_REQUEST_THREADS`, 8): blocking handlers run on anyio's worker
  threads. Each thread holds the interpreter lock for its Python work, and SQLite has one writer,
  so more threads only add contention (the writer loses the lock to readers). Going from 40
  threads to 8 (with a 16-connection pool in `db.make_engine`, sized to stay above the thread
  count) is part of what brought the benchmark to its target.
- **Switch interval** (`CALLWARDEN_SWITCH_INTERVAL_SECONDS`, 0.0005): how long a thread may run
  before the interpreter offers the lock to another. At Python's 5 ms, a request thread holding
  SQLite's write lock waited behind the other threads for the interpreter, and every writer
  queued behind it; at 0.5 ms it does not.
- **Garbage collector thresholds** (`CALLWARDEN_GC_THRESHOLDS`, 50,000 / 50 / 1,000): requests
  make short-lived objects by the thousand. With Python's defaults (700 / 10 / 10), full
  collections over the long-lived heap showed as 50-300 ms stalls in the latency tail; with
  these, the benchmark's p99 was 5.7-13.1 ms in 6 of 7 runs (one run 136 ms).
- **Freezing the start-up heap** (`CALLWARDEN_GC_FREEZE`, on): what is loaded at start-up (the
  law, the policy in force, the modules) lives as long as the process. Loading it before the
  first request spares that request; moving it out of the collector's reach
  (`gc.freeze`) keeps the remaining full collections short.

Three functions, because each knob has its moment: `apply_tuning` is process-wide and runs in
`callwarden serve` before the server starts; `limit_request_threads` needs the running event
loop (the app's lifespan); `settle_heap` runs once start-up has loaded what lives for good.
Apps built by tests or embedders get the last two through the lifespan, not the switch interval.
"""

from __future__ import annotations

import gc
import sys

import anyio.to_thread

from callwarden.config import Settings


def apply_tuning(settings: Settings) -> None:
    """Set the interpreter's thread switch interval for this process.

    `callwarden serve` calls it before uvicorn starts; worker processes that uvicorn spawns for
    `--workers` above 1 start a fresh interpreter and keep Python's default.
    """
    sys.setswitchinterval(settings.switch_interval_seconds)


def limit_request_threads(settings: Settings) -> None:
    """Cap the worker threads that run blocking handlers (needs the running event loop)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads


def settle_heap(settings: Settings) -> None:
    """After start-up: freeze what was loaded for good, then collect young objects less often."""
    if settings.gc_freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*settings.gc_thresholds)
