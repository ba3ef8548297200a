"""Background jobs: plain functions registered once by name, run periodically by a small runner.

DESIGN.md names procrastinate for scaled-out workers. This runner is used instead, for now,
because procrastinate keeps its queue in tables of its own (a schema change, and none may be
added at this stage) and because the embedded default must run with no extra service at all.
The work itself already lives in tables: the fetch job's queue is the provider recordings not
yet fetched, the sweeper's is the blob store. So a job here is a function that looks for its own
work each time it runs, and "enqueueing" is writing the row the job will find.

- Embedded (the default): the app's lifespan starts a `Runner` on a daemon thread, which shares
  the server's `Database`, so on SQLite the jobs queue behind the same in-process writer lock as
  requests. Tests never get one unless they ask (`create_app(..., run_jobs=True)`).
- Scaled out: `callwarden jobs run` runs the same loop in the foreground. On PostgreSQL any
  number of workers (and servers) may run it: `claim` takes each row with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so no two of them work on the same row. SQLite has a
  single writer, so run one runner per database: either the server's or one `jobs run`.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, inspect
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit.errors import InvalidInput

log = logging.getLogger(__name__)
JOB_MODULES = (
    "callwarden.vault.tasks",
    "callwarden.vault.verify_job",
    "callwarden.verification.tasks",
    "callwarden.audit.tasks",
)
T = TypeVar("T")
JobFunction = Callable[["JobContext"], object]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: Callable[[Settings], float]  # seconds between runs, read from settings

    @property
    def summary(self) -> str:
        lines = (self.function.__doc__ or "").strip().splitlines()
        return lines[0] if lines else ""


_registry: dict[str, Job] = {}


def periodic(name: str, every: Callable[[Settings], float]) -> Callable[[JobFunction], JobFunction]:
    """Register `function` as the job `name`, run every `every(settings)` seconds."""

    def register(function: JobFunction) -> JobFunction:
        existing = _registry.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"job {name!r} is already registered to {existing.function}")
        _registry[name] = Job(name, function, every)
        return function

    return register


def registered() -> dict[str, Job]:
    """Every job, by name (importing the modules that register them)."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(sorted(_registry.items()))


@dataclass
class JobContext:
    """What a job gets: settings, the shared database, and a way to wait that stops promptly."""

    settings: Settings
    db: Database
    stop_event: threading.Event = field(default_factory=threading.Event)

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Wait (a retry's backoff); False if the runner is stopping, so the job should return."""
        return not self.stop_event.wait(max(0.0, seconds))


@dataclass(frozen=True)
class JobRun:
    name: str
    result: object = None
    error: BaseException | None = None


class Runner:
    """Runs each job when it is due, one at a time, until stopped."""

    def __init__(
        self, settings: Settings, db: Database, only: list[str] | None = None, tick: float = 0.5
    ) -> None:
        jobs = registered()
        if unknown := sorted(set(only or []) - set(jobs)):
            raise InvalidInput(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(jobs)}")
        self.jobs = [job for name, job in jobs.items() if not only or name in only]
        self.context = JobContext(settings, db)
        self.tick = tick
        self._due = dict.fromkeys((job.name for job in self.jobs), 0.0)
        self._thread: threading.Thread | None = None

    def run_job(self, job: Job) -> JobRun:
        """One run of one job; a failure is logged and reported, never raised to the loop."""
        try:
            return JobRun(job.name, job.function(self.context))
        except Exception as error:  # a job's bug must not stop the others
            log.exception("job %s failed", job.name)
            return JobRun(job.name, error=error)

    def run_once(self) -> list[JobRun]:
        """Run every job now (the CLI's --once, tests)."""
        return [self.run_job(job) for job in self.jobs if not self.context.stopping]

    def run_due(self) -> list[JobRun]:
        runs: list[JobRun] = []
        for job in self.jobs:
            if self.context.stopping or time.monotonic() < self._due[job.name]:
                continue
            runs.append(self.run_job(job))
            self._due[job.name] = time.monotonic() + job.every(self.context.settings)
        return runs

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
    """The jobs and how often they run, for `callwarden jobs list`."""
    return [
        {"name": job.name, "every_s": job.every(settings), "summary": job.summary}
        for job in registered().values()
    ]
