"""`GET /v1/jobs`: the registered background jobs and their recent runs, for administrators.

With the procrastinate backend the runs are the queue's jobs (durable, from every worker); with
the in-process runner they are the runs this server's runner remembers (none when the jobs run in
another process, as under `callwarden jobs run`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.jobs import Runner, describe
from callwarden.kit.pagination import DEFAULT_LIMIT, CursorKey, Page, page_in_memory
from callwarden.server.deps import database, requires, settings
from callwarden.server.paging import Cursor, Limit

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


class JobOut(BaseModel):
    name: str
    every_s: float | None = Field(description="Seconds between runs; null: run when deferred.")
    attempts: int = Field(description="Tries in all before a failure is final.")
    summary: str


class JobRunOut(BaseModel):
    id: int | None = Field(description="The queue's job id (procrastinate only).")
    name: str
    status: Literal["todo", "doing", "succeeded", "failed", "retrying", "cancelled", "aborted"]
    attempts: int
    at: datetime | None = Field(description="When it is due (queue) or when it finished.")
    error: str | None = None
    arguments: dict[str, Any] = {}


class JobsView(BaseModel):
    backend: Literal["inprocess", "procrastinate"]
    jobs: list[JobOut]
    runs: Page[JobRunOut] = Field(description="A page of the runs, newest first.")


# The in-process runner's runs page by their number, as the queue's by their id.
RUN_NUMBERS = CursorKey("job_runs", (int,))


def jobs_view(
    current: Settings,
    db: Database,
    runner: Runner | None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> JobsView:
    """What `GET /v1/jobs` and `callwarden jobs list` show: the jobs, and a page of runs."""
    jobs = [JobOut(**job) for job in describe(current)]
    if current.jobs_backend == "procrastinate":
        from callwarden.jobs_queue import recent_runs

        queued = recent_runs(db, cursor, limit)
        items = [JobRunOut(**run) for run in queued.rows]
        runs = Page[JobRunOut](items=items, next_cursor=queued.next_cursor)
        return JobsView(backend="procrastinate", jobs=jobs, runs=runs)
    newest_first = list(reversed(runner.history if runner else []))
    found = page_in_memory(
        newest_first, RUN_NUMBERS, lambda run: (run.number,), cursor, limit, descending=True
    )
    items = [
        JobRunOut(
            id=None,
            name=run.name,
            status=run.status,
            attempts=run.attempt,
            at=run.finished_at,
            error=None if run.error is None else str(run.error)[:500],
        )
        for run in found.rows
    ]
    return JobsView(
        backend="inprocess", jobs=jobs, runs=Page(items=items, next_cursor=found.next_cursor)
    )


@router.get("", response_model=JobsView)
def list_jobs(
    request: Request,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("jobs.read")),
    current: Settings = Depends(settings),
    db: Database = Depends(database),
) -> JobsView:
    """The jobs, their schedules and retry limits, and a page of the newest runs (`cursor`
    and `limit` page the runs)."""
    runner = getattr(request.app.state, "job_runner", None)
    return jobs_view(current, db, runner, cursor, limit)
