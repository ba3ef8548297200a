"""The procrastinate backend of `callwarden.jobs`: the same jobs on a queue in PostgreSQL.

Every registered job becomes a procrastinate task of the same name on the `callwarden` queue;
a periodic one is also scheduled by cron (its `every` rounded to whole seconds, minutes or
hours), so across any number of workers each tick runs once. A failure is retried with the job's
`Retry` (exponential wait, or the wait a `RetryLater` names) by procrastinate, which keeps the
retry, its time and the attempt count in `procrastinate_jobs`. A job deferred with a key gets it
as its queueing lock and lock: one waits at a time, one runs at a time (one download per
provider recording). Finished jobs are kept (succeeded ones for a day, pruned by a periodic queue
task; failed ones until removed), so `callwarden jobs list` and `GET /v1/jobs` show what ran,
what failed and what waits.

procrastinate's own schema lives in the same database: `callwarden db upgrade` applies it on
PostgreSQL when it is missing (`apply_schema`), whichever backend is configured, so switching to
procrastinate needs no extra step.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Integer,
    String,
    column,
    make_url,
    select,
    table,
    text,
)

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import Job, JobContext, registered
from callwarden.kit import clock
from callwarden.kit.errors import ConfigurationError
from callwarden.kit.pagination import Keyset, Slice

log = logging.getLogger(__name__)
QUEUE = "callwarden"
KEEP_SUCCEEDED_HOURS = 24
PRUNE = "callwarden.prune_queue"


def require_postgres(settings: Settings) -> str:
    """The libpq URL of the configured database; a clear error unless it is PostgreSQL."""
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "postgresql":
        raise ConfigurationError(
            "CALLWARDEN_JOBS_BACKEND=procrastinate needs a PostgreSQL CALLWARDEN_DATABASE_URL "
            f"(this is {url.get_backend_name()}); use jobs_backend=inprocess with SQLite"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def cron_for(seconds: float) -> str:
    """A cron line that ticks about every `seconds` (6 fields: the last one is seconds)."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"* * * * * */{whole}"
    if whole < 3600:
        return f"*/{max(1, round(whole / 60))} * * * *"
    return f"0 */{min(23, max(1, round(whole / 3600)))} * * *"


class _JobRetry(BaseRetryStrategy):
    """The job's `Retry` for procrastinate: `job.attempts` counts the tries made before."""

    def __init__(self, job: Job, settings: Settings) -> None:
        self.job, self.settings = job, settings

    def get_retry_decision(
        self, *, exception: BaseException, job: procrastinate.jobs.Job
    ) -> RetryDecision | None:
        failed = job.attempts + 1
        if failed >= self.job.retry.limit(self.settings):
            return None
        wait = timedelta(seconds=self.job.retry.wait(failed, exception))
        return RetryDecision(retry_at=clock.now() + wait)


def _body(job: Job, context: JobContext) -> Callable[..., object]:
    def run(timestamp: int | None = None, **arguments: Any) -> object:
        return job.function(context, **arguments)  # `timestamp`: the periodic tick, unused

    run.__name__ = run.__qualname__ = job.name
    run.__doc__ = job.function.__doc__
    return run


def _defer(app: procrastinate.App, name: str, key: str | None, arguments: dict[str, Any]) -> bool:
    options: dict[str, Any] = {"queueing_lock": key, "lock": key} if key else {}
    try:
        app.configure_task(name, allow_unknown=False, **options).defer(**arguments)
    except AlreadyEnqueued:
        return False
    return True


def build_app(settings: Settings, db: Database) -> procrastinate.App:
    """A procrastinate app with every registered job, run with this settings and database."""
    conninfo = require_postgres(settings)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))
    context = JobContext(settings, db, deferrer=functools.partial(_defer, app))
    for job in registered().values():
        task = app.task(
            name=job.name,
            queue=QUEUE,
            retry=_JobRetry(job, settings),
            queueing_lock=job.name if job.every else None,  # periodic runs never pile up
        )(_body(job, context))
        if job.every:
            app.periodic(cron=cron_for(job.every(settings)), periodic_id=job.name)(task)
    pruning = app.task(name=PRUNE, queue=QUEUE, pass_context=True)(_prune)
    app.periodic(cron="17 * * * *", periodic_id=PRUNE)(pruning)
    return app


def run_worker(
    settings: Settings, db: Database, *, once: bool = False, only: list[str] | None = None
) -> None:
    """Work the queue until stopped (TERM, Ctrl-C); `once`: defer each periodic job now and
    stop when nothing is left that is due."""
    app = build_app(settings, db)
    with app.open():
        if once:
            for job in registered().values():
                if job.every and (not only or job.name in only):
                    _defer(app, job.name, job.name, {})
    app.run_worker(queues=[QUEUE], wait=not once, install_signal_handlers=not once)


# procrastinate's own table, as much of it as the job list shows.
_JOBS = table(
    "procrastinate_jobs",
    column("id", Integer),
    column("queue_name", String),
    column("task_name", String),
    column("status", String),
    column("attempts", Integer),
    column("scheduled_at", DateTime),
    column("args", JSON),
)
NEWEST_FIRST = Keyset("job_runs", (_JOBS.c.id,), descending=True)
_RUNS = select(
    _JOBS.c.id,
    _JOBS.c.task_name.label("name"),
    _JOBS.c.status,
    _JOBS.c.attempts,
    _JOBS.c.scheduled_at.label("at"),
    _JOBS.c.args.label("arguments"),
).where(_JOBS.c.queue_name == QUEUE)


def recent_runs(db: Database, cursor: str | None, limit: int) -> Slice[dict[str, Any]]:
    """A page of the jobs on the queue, newest first: what ran, failed, waits to be retried.
    Read with one query (procrastinate's own listing has no limit)."""
    with db.reading() as session:
        rows = list(session.execute(NEWEST_FIRST.apply(_RUNS, cursor, limit)))
    found = NEWEST_FIRST.page(rows, limit)
    shown = [dict(row._mapping) for row in found.rows]
    for run in shown:
        run["arguments"] = {k: v for k, v in run["arguments"].items() if k != "timestamp"}
    return Slice(shown, found.next_cursor)


async def _prune(context: procrastinate.JobContext, timestamp: int) -> None:
    """Forget succeeded jobs after a day (failed ones stay until someone looks)."""
    await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_SUCCEEDED_HOURS, queue=QUEUE)


def apply_schema(connection: Connection) -> bool:
    """procrastinate's tables, in the same transaction as the migrations; False if present."""
    present = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
    if present is not None:
        return False
    cursor = connection.connection.cursor()  # no parameters: the script's % stay as written
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()
    return True
