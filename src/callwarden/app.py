"""The FastAPI application factory: settings, database, error handling, limits, and every router."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import text

from callwarden import __version__
from callwarden.audit.api import router as audit_router
from callwarden.audit.checkpointing import attach as attach_checkpoints
from callwarden.audit.refusals import RefusalTally
from callwarden.calls.adapters.twilio.api import router as twilio_router
from callwarden.calls.api import router as calls_router
from callwarden.cases.api import router as cases_router
from callwarden.cases.codes import CodeThrottle
from callwarden.checks.api import router as checks_router
from callwarden.config import Settings, load_settings
from callwarden.db import Database
from callwarden.decisions.api import router as decisions_router
from callwarden.identity.api import router as identity_router
from callwarden.identity.throttle import SignInThrottle
from callwarden.jobs import Runner
from callwarden.jobs_api import router as jobs_router
from callwarden.kit.errors import NotFound
from callwarden.kit.logs import configure_logging
from callwarden.law.knowledge import load_knowledge_base
from callwarden.migrate import current_revision, head_revision
from callwarden.policy.api import router as policy_router
from callwarden.policy.service import active_compiled
from callwarden.qa.api import router as qa_router
from callwarden.recordings.api import router as recordings_router
from callwarden.reports.api import router as reports_router
from callwarden.retention.api import router as holds_router
from callwarden.retention.certificate_api import router as certificate_router
from callwarden.retention.sweep_api import router as sweeps_router
from callwarden.server.deps import database
from callwarden.server.docs import install_docs
from callwarden.server.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    Limit,
    NulGuardMiddleware,
    UnhandledErrorMiddleware,
)
from callwarden.server.openapi import install_openapi
from callwarden.server.problems import install_problem_handlers
from callwarden.subjects.api import router as subjects_router
from callwarden.training.api import router as training_router
from callwarden.transparency.api import router as transparency_router
from callwarden.tuning import limit_request_threads, settle_heap
from callwarden.verification.api import router as verification_router
from callwarden.web.console import install_console
from callwarden.web.pages import disposals as disposals_page

DESCRIPTION = (
    "callwarden makes a call-recording policy executable: decisions at call setup, consent "
    "evidence, an encrypted vault, and a tamper-evident audit trail. "
    "It is not legal advice: every legal rule it applies carries its citation and uncertainty."
)


UPLOAD_PATH = re.compile(r"^/v1/(calls/[^/]+/recordings|scripts/[^/]+/audio)$")


class Health(BaseModel):
    status: str = Field(description="`ok`, or `migrations_pending` when the schema is behind.")
    version: str
    schema_revision: str | None = Field(alias="schema", description="The database's migration.")


POLICY_PATH = re.compile(r"^/v1/policy/(validate|versions)$")
# The longest document the API takes, as JSON may write it: every character escaped as a
# surrogate pair (12 bytes), so a document its schema allows is judged, not cut off with a 413.
POLICY_BODY_BYTES = 12 * 512 * 1024 + 64 * 1024


def body_limit(path: str, settings: Settings) -> Limit:
    """JSON bodies are small and buffered (a policy document may be larger); audio uploads
    stream, up to the largest recording."""
    if UPLOAD_PATH.match(path):
        return Limit(settings.max_recording_bytes, streamed=True)
    if POLICY_PATH.match(path):
        return Limit(max(settings.max_body_bytes, POLICY_BODY_BYTES))
    if path == disposals_page.FORM_PATH:  # a whole certificate, as a file
        return Limit(max(settings.max_body_bytes, disposals_page.FORM_BYTES))
    return Limit(settings.max_body_bytes)


def _load_what_decisions_need(db: Database) -> None:
    load_knowledge_base()
    with db.reading() as session, suppress(NotFound):  # no policy yet: decisions will say so
        active_compiled(session)


def _jobs_lifespan(settings: Settings, db: Database, enabled: bool) -> Any:
    """Start the in-process job runner with the app and stop it (cleanly) on shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limit_request_threads(settings)  # tuning.py says why each of these
        await anyio.to_thread.run_sync(_load_what_decisions_need, db)
        settle_heap(settings)
        if not enabled:
            yield
            return
        runner = Runner(settings, db)
        app.state.job_runner = runner
        runner.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(runner.stop)  # waits for the job in progress

    return lifespan


def _flushing_refusals(inner: Any) -> Any:
    """On shutdown, write the counts of refusals that are still only in memory."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with inner(app):
                yield
        finally:
            await anyio.to_thread.run_sync(app.state.refusals.flush, True)

    return lifespan


def create_app(
    settings: Settings | None = None, db: Database | None = None, *, run_jobs: bool | None = None
) -> FastAPI:
    """Build the API. Tests pass their own settings and database; `serve` uses the environment.

    Background jobs run in the server's process (`CALLWARDEN_JOBS_IN_PROCESS`, on by default)
    only when the app reads its own settings, as under `callwarden serve`: an app built from
    given settings (tests, embedding) runs none unless `run_jobs=True`.
    """
    if run_jobs is None:
        run_jobs = settings is None
    settings = settings or load_settings()
    db = db or Database(settings.resolved_database_url, background_checkpoints=True)
    configure_logging(settings.log_format, settings.log_level)
    attach_checkpoints(db, settings)
    if settings.jobs_backend == "procrastinate":  # its workers run the jobs, not this process
        from callwarden.jobs_queue import require_postgres

        require_postgres(settings)
        run_jobs = False
    app = FastAPI(
        title="callwarden",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_flushing_refusals(
            _jobs_lifespan(settings, db, run_jobs and settings.jobs_in_process)
        ),
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.signin_throttle = SignInThrottle(
        timedelta(seconds=settings.signin_window_seconds),
        per_user=settings.signin_failures_per_user,
        per_address=settings.signin_failures_per_address,
    )
    app.state.case_code_throttle = CodeThrottle()
    app.state.refusals = RefusalTally(db, timedelta(seconds=settings.refusal_audit_window_seconds))
    install_problem_handlers(app)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit_for=lambda path: body_limit(path, settings))
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(AccessLogMiddleware)
    app.include_router(identity_router)
    app.include_router(audit_router)
    app.include_router(jobs_router)
    app.include_router(policy_router)
    app.include_router(decisions_router)
    app.include_router(calls_router)
    app.include_router(twilio_router)
    app.include_router(recordings_router)
    app.include_router(holds_router)
    app.include_router(subjects_router)
    app.include_router(sweeps_router)
    app.include_router(certificate_router)
    app.include_router(verification_router)
    app.include_router(checks_router)
    app.include_router(qa_router)
    app.include_router(training_router)
    app.include_router(transparency_router)

    app.include_router(cases_router)
    app.include_router(reports_router)
    install_docs(app)
    install_console(app)
    install_openapi(app)

    @app.get("/healthz", tags=["service"], response_model=Health)
    def healthz(db: Database = Depends(database)) -> dict[str, Any]:
        """Liveness and readiness: the database answers and its schema is current."""
        with db.read_engine.connect() as connection:  # a probe must not take the write lock
            connection.execute(text("SELECT 1"))
        revision = current_revision(db)
        return {
            "status": "ok" if revision == head_revision() else "migrations_pending",
            "version": __version__,
            "schema": revision,
        }

    return app
