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
from callwarden.server.deps import database, requires, settings

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
    runs: list[JobRunOut] = Field(description="Newest first.")


def jobs_view(current: Settings, db: Database, runner: Runner | None) -> JobsView:
    """What `GET /v1/jobs` and `callwarden jobs list` show."""
    jobs = [JobOut(**job) for job in describe(current)]
    if current.jobs_backend == "procrastinate":
        from callwarden.jobs_queue import recent_runs

        queued = [JobRunOut(**run) for run in recent_runs(db)]
        return JobsView(backend="procrastinate", jobs=jobs, runs=queued)
    runs = [
        JobRunOut(
            id=None,
            name=run.name,
            status=run.status,
            attempts=run.attempt,
            at=run.finished_at,
            error=None if run.error is None else str(run.error)[:500],
        )
        for run in reversed(runner.history if runner else [])
    ]
    return JobsView(backend="inprocess", jobs=jobs, runs=runs)


@router.get("", response_model=JobsView)
def list_jobs(
    request: Request,
    who: Principal = Depends(requires("jobs.read")),
    current: Settings = Depends(settings),
    db: Database = Depends(database),
) -> JobsView:
    """The jobs, their schedules and retry limits, and the newest runs."""
    return jobs_view(current, db, getattr(request.app.state, "job_runner", None))
