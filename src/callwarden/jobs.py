"""Background jobs: plain functions registered once by name, run by one of two backends.

A job is a function of a `JobContext` (settings, the database, a way to defer other jobs and to
wait). `@periodic` registers one that runs on a schedule and looks for its own work each time
(the fetch scan, the sweeper, the audio check, the audit checkpoint); `@task` registers one that
other jobs defer with arguments (one provider recording's download). A job that raises is
retried with backoff, up to its `Retry` limit; raising `RetryLater` names the wait. The same
functions run on both backends, chosen by `CALLWARDEN_JOBS_BACKEND`:

- `inprocess` (the default, and the embedded SQLite mode): `Runner` below, on a daemon thread in
  the server or in the foreground under `callwarden jobs run`. Deferred jobs and retries wait in
  memory; a restart loses them, which costs nothing because the durable state is in the tables
  (a provider recording not yet fetched is found again by the next scan). SQLite has a single
  writer, so run one runner per database.
- `procrastinate` (PostgreSQL, scaled out): `callwarden.jobs_queue` hands every job to a
  procrastinate queue in the same database; `callwarden jobs run` is a worker, as many as wanted.
  The queue keeps deferred jobs, retries (with their backoff) and periodic runs durable, runs
  each periodic job once per tick across all workers, and keeps the job history that
  `callwarden jobs list` and `GET /v1/jobs` show.

Work that must not be done twice is claimed in a short transaction (a lease column, or `claim`
below for quick work); nothing holds a row lock across a download.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import Select, inspect
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput

log = logging.getLogger(__name__)
JOB_MODULES = (
    "callwarden.recordings.tasks",
    "callwarden.verification.tasks",
    "callwarden.audit.tasks",
    "callwarden.policy.tasks",
    "callwarden.retention.tasks",
    "callwarden.checks.tasks",
    "callwarden.training.tasks",
)
WAIT_IN_RUN_S = 10.0  # `run_once` waits for retries due this soon; later ones are left
HISTORY = 200  # runs the in-process runner remembers for `GET /v1/jobs`
T = TypeVar("T")
JobFunction = Callable[..., object]
# The decorators hand back the function they register with its own type, so a test or a command
# that calls a job directly sees what it returns.
Registered = TypeVar("Registered", bound=JobFunction)
Deferrer = Callable[[str, str | None, dict[str, Any]], bool]
RunStatus = Literal["succeeded", "retrying", "failed"]


class RetryLater(Exception):
    """Raised by a job whose work may succeed later; `after_s` overrides the policy's wait."""

    def __init__(self, reason: str, after_s: float | None = None) -> None:
        super().__init__(reason)
        self.after_s = after_s


@dataclass(frozen=True)
class Retry:
    """How often a failed job is tried in all, and the exponential wait between tries."""

    attempts: int | Callable[[Settings], int] = 3
    base_s: float = 2.0
    max_s: float = 300.0

    def limit(self, settings: Settings) -> int:
        return self.attempts if isinstance(self.attempts, int) else self.attempts(settings)

    def wait(self, failed: int, error: BaseException) -> float:
        """Seconds before the next try, after `failed` failed tries."""
        if isinstance(error, RetryLater) and error.after_s is not None:
            return max(0.0, error.after_s)
        return float(min(self.base_s * 2 ** max(0, failed - 1), self.max_s))


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: Callable[[Settings], float] | None  # seconds between runs; None: run when deferred
    retry: Retry = Retry()

    @property
    def summary(self) -> str:
        lines = (self.function.__doc__ or "").strip().splitlines()
        return lines[0] if lines else ""


_registry: dict[str, Job] = {}


def _register(job: Job, function: Registered) -> Registered:
    existing = _registry.get(job.name)
    if existing is not None and existing.function.__qualname__ != job.function.__qualname__:
        raise ValueError(f"job {job.name!r} is already registered to {existing.function}")
    _registry[job.name] = job
    return function


def periodic(
    name: str, every: Callable[[Settings], float], retry: Retry = Retry()
) -> Callable[[Registered], Registered]:
    """Register `function(context)` as the job `name`, run every `every(settings)` seconds."""
    return lambda function: _register(Job(name, function, every, retry), function)


def task(name: str, retry: Retry = Retry()) -> Callable[[Registered], Registered]:
    """Register `function(context, **arguments)` as the job `name`, run when deferred."""
    return lambda function: _register(Job(name, function, None, retry), function)


def registered() -> dict[str, Job]:
    """Every job, by name (importing the modules that register them)."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(sorted(_registry.items()))


@dataclass
class JobContext:
    """What a job gets: settings, the shared database, deferring, a wait that stops promptly."""

    settings: Settings
    db: Database
    stop_event: threading.Event = field(default_factory=threading.Event)
    deferrer: Deferrer | None = None

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Wait; False if the runner is stopping, so the job should return."""
        return not self.stop_event.wait(max(0.0, seconds))

    def defer(self, name: str, key: str | None = None, **arguments: Any) -> bool:
        """Queue the job `name` with `arguments`. While a job with the same `key` waits or
        runs, another is not queued (False): one download per provider recording."""
        if self.deferrer is None:
            raise RuntimeError("this context has no job backend to defer to")
        return self.deferrer(name, key, arguments)


@dataclass(frozen=True)
class JobRun:
    name: str
    result: object = None
    error: BaseException | None = None
    attempt: int = 1
    status: RunStatus = "succeeded"
    finished_at: datetime = field(default_factory=clock.now)
    number: int = 0  # its place among this runner's runs (1, 2, …): the key the list pages by


@dataclass
class _Deferred:
    name: str
    key: str
    arguments: dict[str, Any]
    due: float = 0.0  # time.monotonic()
    failed: int = 0


class Runner:
    """The in-process backend: each periodic job when due, then the deferred ones, one at a time."""

    def __init__(
        self, settings: Settings, db: Database, only: list[str] | None = None, tick: float = 0.5
    ) -> None:
        jobs = registered()
        if unknown := sorted(set(only or []) - set(jobs)):
            raise InvalidInput(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(jobs)}")
        self.registry = jobs
        self.jobs = [job for name, job in jobs.items() if job.every and (not only or name in only)]
        self.context = JobContext(settings, db, deferrer=self._defer)
        self.tick = tick
        self.history: deque[JobRun] = deque(maxlen=HISTORY)
        self._run_numbers = itertools.count(1)
        self._due = dict.fromkeys((job.name for job in self.jobs), 0.0)
        self._failed = dict.fromkeys(self._due, 0)
        self._deferred: dict[str, _Deferred] = {}
        self._keys = itertools.count(1)
        self._thread: threading.Thread | None = None

    def _defer(self, name: str, key: str | None, arguments: dict[str, Any]) -> bool:
        if name not in self.registry:
            raise InvalidInput(f"unknown job {name!r}")
        key = key or f"{name}#{next(self._keys)}"
        if key in self._deferred:
            return False
        self._deferred[key] = _Deferred(name, key, arguments)
        return True

    def _attempt(self, job: Job, failed: int, arguments: dict[str, Any]) -> tuple[JobRun, float]:
        """One try; a failure is logged and reported, never raised. Returns the run and, when
        it is to be tried again, the wait (else a negative number)."""
        try:
            result = job.function(self.context, **arguments)
        except Exception as error:  # a job's bug must not stop the others
            failed += 1
            retrying = failed < job.retry.limit(self.context.settings)
            if isinstance(error, RetryLater):
                log.info("job %s will be retried: %s", job.name, error)
            else:
                log.exception("job %s failed", job.name)
            run = JobRun(job.name, error=error, attempt=failed, status="retrying")
            if not retrying:
                run = JobRun(job.name, error=error, attempt=failed, status="failed")
            self._remember(run)
            return run, job.retry.wait(failed, error) if retrying else -1.0
        run = JobRun(job.name, result, attempt=failed + 1)
        self._remember(run)
        return run, -1.0

    def _remember(self, run: JobRun) -> None:
        self.history.append(replace(run, number=next(self._run_numbers)))

    def run_job(self, job: Job) -> JobRun:
        """One run of a periodic job; a failure brings its next run forward to the retry."""
        run, retry_in = self._attempt(job, self._failed.get(job.name, 0), {})
        self._failed[job.name] = run.attempt if retry_in >= 0 else 0
        every = job.every(self.context.settings) if job.every else 0.0
        wait = retry_in if retry_in >= 0 else every
        self._due[job.name] = time.monotonic() + min(wait, every)
        return run

    def run_deferred(self, now: float | None = None) -> list[JobRun]:
        """The deferred jobs that are due, in the order they were deferred."""
        runs: list[JobRun] = []
        for item in list(self._deferred.values()):
            if self.context.stopping:
                break
            if item.due > (time.monotonic() if now is None else now):
                continue
            run, retry_in = self._attempt(self.registry[item.name], item.failed, item.arguments)
            runs.append(run)
            if retry_in < 0:
                del self._deferred[item.key]
            else:
                item.failed, item.due = run.attempt, time.monotonic() + retry_in
        return runs

    def run_once(self, wait_s: float = WAIT_IN_RUN_S) -> list[JobRun]:
        """Run every periodic job now, then what they deferred, waiting for retries due
        within `wait_s` (the CLI's --once, tests)."""
        runs = [self.run_job(job) for job in self.jobs if not self.context.stopping]
        while self._deferred and not self.context.stopping:
            runs += self.run_deferred()
            soonest = min((item.due for item in self._deferred.values()), default=None)
            if soonest is None or soonest - time.monotonic() > wait_s:
                break
            self.context.sleep(soonest - time.monotonic())
        return runs

    def run_due(self) -> list[JobRun]:
        runs: list[JobRun] = []
        for job in self.jobs:
            if self.context.stopping or time.monotonic() < self._due[job.name]:
                continue
            runs.append(self.run_job(job))
        return runs + self.run_deferred()

    def serve(self) -> None:
        """Loop until `stop()` (or Ctrl-C in the foreground)."""
        log.info("job runner started: %s", ", ".join(job.name for job in self.jobs))
        while not self.context.stopping:
            self.run_due()
            self.context.stop_event.wait(self.tick)
        log.info("job runner stopped")

    def start(self) -> None:
        """Run in a daemon thread (the embedded mode)."""
        if self._thread is not None:
            raise RuntimeError("this runner is already started")
        self._thread = threading.Thread(target=self.serve, name="callwarden-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Ask the loop to stop and wait for the job in progress; True if it did stop."""
        self.context.stop_event.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


class Claim(Generic[T]):
    """A row one worker owns until the claim ends; `finish` writes the outcome onto it."""

    def __init__(self, row: T, session: Session | None, db: Database) -> None:
        self.row = row
        self._session = session
        self._db = db

    def finish(self, write: Callable[[Session, T], None]) -> None:
        """Write the outcome: in the locking transaction (PostgreSQL) or a fresh one (SQLite)."""
        if self._session is not None:
            write(self._session, self.row)
            return
        state = inspect(self.row)
        with self._db.unit_of_work() as session:
            current = session.get(state.mapper.class_, state.identity)
            if current is not None:
                write(session, current)


_sqlite_claims = threading.Lock()


@contextmanager
def claim(db: Database, query: Select[T]) -> Iterator[Claim[T] | None]:
    """The first row `query` finds that no other worker holds, or None.

    PostgreSQL: the row stays locked (FOR UPDATE SKIP LOCKED) until the block ends, and what
    `finish` wrote commits with the release. The work in between (a download, an intake) uses
    its own transactions. SQLite: claims are serialised by a process lock, as the single-writer
    database expects one runner; the row is re-read and written in a short transaction.
    """
    if db.is_sqlite:
        with _sqlite_claims:
            with db.reading() as session:
                row = session.execute(query.limit(1)).scalars().first()
                if row is not None:
                    session.expunge(row)  # keep its loaded values past the session
            yield None if row is None else Claim(row, None, db)
        return
    with db.unit_of_work() as session:
        entity = query.column_descriptions[0]["entity"]  # lock its rows, not eager-joined ones
        locked = query.limit(1).with_for_update(skip_locked=True, of=entity)
        row = session.execute(locked).scalars().first()
        yield None if row is None else Claim(row, session, db)


def describe(settings: Settings) -> list[dict[str, Any]]:
    """The jobs and how often they run (None: when another job defers them)."""
    return [
        {
            "name": job.name,
            "every_s": job.every(settings) if job.every else None,
            "attempts": job.retry.limit(settings),
            "summary": job.summary,
        }
        for job in registered().values()
    ]
