"""The `callwarden` command: one Typer root that mounts each domain's commands lazily.

A domain's commands import its service, and through it SQLAlchemy, numpy, scipy or boto3: two
seconds before even `--help` could answer. So the root names each domain's commands with their
one-line help and imports a domain only when one of its commands runs; the commands defined here
import what they use inside their bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from callwarden.cli_support import (
    CURSOR_OPTION,
    LIMIT_OPTION,
    LazyGroup,
    console,
    new_app,
    print_page,
)
from callwarden.recordings.sweep_cli import sweep_command

if TYPE_CHECKING:
    from callwarden.config import Settings


class RootGroup(LazyGroup):
    """The domains' commands, each imported only when it runs (see `LazyGroup`).

    Add a domain's commands here as `name: ("module:attribute", "its one-line help")`.
    """

    lazy_commands = {
        "users": (
            "callwarden.identity.cli:users_app",
            "Create, list, disable and enable users; service identities; passwords.",
        ),
        "teams": ("callwarden.identity.cli:teams_app", "Create and list teams."),
        "tokens": ("callwarden.identity.cli:tokens_app", "Create, list and revoke API tokens."),
        "audit": (
            "callwarden.audit.cli:app",
            "Verify and export the hash-chained audit trail and its signed checkpoints.",
        ),
        "law": (
            "callwarden.law.cli:app",
            "The law knowledge base: recording-consent rules and sector retention rules.",
        ),
        "policy": (
            "callwarden.policy.cli:app",
            "Validate, apply, show, compare and render the recording policy.",
        ),
        "decide": (
            "callwarden.decisions.cli:decide",
            "Decide whether and how to record a call (stored and audited unless --policy is "
            "given).",
        ),
        "calls": ("callwarden.calls.cli:app", "Show calls and their consent ledger."),
        "cdr": (
            "callwarden.cdr.cli:app",
            "Import call-detail records from the phone system.",
        ),
        "recordings": ("callwarden.recordings.cli:app", "Import recordings into the vault."),
        "holds": ("callwarden.retention.cli:app", "Create, list, show and release legal holds."),
        "subjects": (
            "callwarden.subjects.cli:app",
            "Data-subject requests: open, list, show, export, erase and close.",
        ),
        "qa": (
            "callwarden.qa.cli:app",
            "QA review: scorecards (YAML) and seeded, stratified sampling plans.",
        ),
        "training": (
            "callwarden.training.cli:app",
            "Training: publish courses (YAML) and read the records; export them as CSV.",
        ),
        "cases": (
            "callwarden.cases.cli:app",
            "Concerns and disputes: file, list, show, and handle them (reply, decide, close).",
        ),
        "retention": (
            "callwarden.retention.cli:retention_app",
            "Retention: schedules previewed, disposal sweeps and their destruction certificates.",
        ),
        "keys": (
            "callwarden.recordings.cli:keys_app",
            "Rotate and inspect the vault's key-encryption keys.",
        ),
        "vault": (
            "callwarden.recordings.cli:vault_app",
            "Check the sealed recordings in the vault.",
        ),
        "findings": (
            "callwarden.verification.cli:app",
            "Findings of the compliance checks: list them and work them.",
        ),
        "checks": (
            "callwarden.checks.cli:app",
            "Compliance checks: run them, list them, and read their findings.",
        ),
        "report": (
            "callwarden.reports.cli:app",
            "Reports: the compliance report of a period, as a file.",
        ),
        "analyze": (
            "callwarden.analysis.cli:app",
            "Verify recordings from their audio: announcement, keypresses, speech, redaction.",
        ),
        "demo": (
            "callwarden.demo.cli:demo",
            "Fill an empty data directory with a synthetic month of calls, recordings and "
            "findings.",
        ),
    }


app = typer.Typer(
    help="callwarden: call-recording governance. Not legal advice.",
    cls=RootGroup,
    no_args_is_help=True,
    add_completion=False,
)
db_app = new_app("Database schema.")
app.add_typer(db_app, name="db")
jobs_app = new_app("Background jobs: fetching provider recordings, sweeping the vault.")
app.add_typer(jobs_app, name="jobs")
jobs_app.command("sweep")(sweep_command)


@app.command("init")
def init() -> None:
    """Initialise the data directory, database and first administrator (safe to run again)."""
    from callwarden.config import load_settings

    _initialise(load_settings())


def _initialise(settings: Settings) -> None:
    """Run the first-run set-up and report it, the one-time password last and boxed.

    The password must not scroll away among other lines: nothing of ours prints after it
    except, under `serve --init`, the one line saying where the server listens.
    """
    from rich.panel import Panel

    from callwarden.bootstrap import initialise

    report = initialise(settings)
    for name, changed, detail in report.steps:
        mark = "[green]created[/]" if changed else "[dim]exists[/] "
        console.print(f"{mark}  {name}: {detail}", highlight=False)
    if not report.changed:
        console.print("already initialised: nothing changed")
    database = settings.resolved_database_url
    console.print(f"data: {settings.data_dir.resolve()}  database: {database}", highlight=False)
    if report.admin_password:
        console.print(
            Panel.fit(
                f"user      [bold]admin[/]\npassword  [bold]{report.admin_password}[/]\n\n"
                "This password is temporary and shown once. Choose your own with\n"
                "  .venv/bin/callwarden users change-password admin\n"
                "(or sign in with POST /v1/auth/token and change it with POST /v1/me/password),\n"
                "then get a token: .venv/bin/callwarden tokens create --user admin",
                title="[bold]Administrator login[/]",
                border_style="yellow",
            ),
            highlight=False,
        )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations."""
    from callwarden.config import load_settings
    from callwarden.db import Database
    from callwarden.migrate import current_revision, head_revision, upgrade

    settings = load_settings()
    db = Database(settings.resolved_database_url)
    try:
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
    finally:
        db.dispose()
    if before == after:
        console.print(f"schema already current at {after}")
    else:
        console.print(f"schema migrated {before or 'empty'} → {after} (head {head_revision()})")


@app.command("serve")
def serve(
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes (PostgreSQL only)."),
    then_init: bool = typer.Option(
        False, "--init", help="Initialise first, as `callwarden init` does (what `make run` runs)."
    ),
) -> None:
    """Serve the API on the configured address (refused while another server runs here)."""
    from callwarden.config import load_settings
    from callwarden.serving import claim_data_dir, ensure_address_free

    settings = load_settings()
    address = f"http://{settings.bind_host}:{settings.bind_port}"
    # Before anything is printed or started: is a server already running here?
    lock = claim_data_dir(settings.data_dir, address) if settings.data_dir.is_dir() else None
    try:
        ensure_address_free(settings.bind_host, settings.bind_port)
        if then_init:
            _initialise(settings)
        if lock is None and settings.data_dir.is_dir():
            lock = claim_data_dir(settings.data_dir, address)
        _serve(settings, workers)
    finally:
        if lock is not None:
            lock.release()


def _serve(settings: Settings, workers: int) -> None:
    import uvicorn

    from callwarden.runtime import open_database
    from callwarden.tuning import apply_tuning

    if settings.jobs_backend == "procrastinate":  # its workers run the jobs; PostgreSQL only
        from callwarden.jobs_queue import require_postgres

        require_postgres(settings)
    open_database(settings).dispose()  # refuse to start on a missing or stale schema
    if workers > 1 and settings.resolved_database_url.startswith("sqlite"):
        console.print("SQLite serves from one worker; use PostgreSQL for more.")
        workers = 1
    console.print(
        f"callwarden serving on http://{settings.bind_host}:{settings.bind_port}  "
        f"(API docs at /docs; stop with Ctrl-C)",
        highlight=False,
    )
    apply_tuning(settings)  # the interpreter's switch interval (tuning.py says why)
    uvicorn.run(
        "callwarden.app:create_app",
        factory=True,
        host=settings.bind_host,
        port=settings.bind_port,
        workers=workers,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


@jobs_app.command("run")
def jobs_run(
    once: bool = typer.Option(False, help="Run each job once (and what it queues), then exit."),
    only: list[str] = typer.Option([], help="Run only this periodic job (repeatable)."),
) -> None:
    """Run the jobs in the foreground: a worker beside the servers (stop with Ctrl-C or TERM).

    With CALLWARDEN_JOBS_BACKEND=procrastinate this is a procrastinate worker (start as many as
    you like); otherwise the in-process runner (one per SQLite database)."""
    import signal

    from callwarden.config import load_settings
    from callwarden.jobs import Runner
    from callwarden.runtime import open_database

    settings = load_settings()
    if settings.jobs_backend == "procrastinate":
        from callwarden.jobs_queue import require_postgres, run_worker

        require_postgres(settings)  # before opening anything: one clear line
        db = open_database(settings)
        try:
            console.print("procrastinate worker on queue 'callwarden'")
            run_worker(settings, db, once=once, only=only or None)
        finally:
            db.dispose()
        return
    db = open_database(settings)
    try:
        runner = Runner(settings, db, only=only or None)
        if once:
            for run in runner.run_once():
                outcome = f"failed: {run.error}" if run.error else f"done ({run.result})"
                console.print(f"{run.name}: {outcome}", highlight=False)
            return
        if db.is_sqlite:
            console.print(
                "SQLite: run one job runner per database; start the server with "
                "CALLWARDEN_JOBS_IN_PROCESS=false while this runs."
            )
        signal.signal(signal.SIGTERM, lambda *_: runner.context.stop_event.set())
        console.print(f"running jobs: {', '.join(job.name for job in runner.jobs)}")
        try:
            runner.serve()
        except KeyboardInterrupt:
            runner.stop()
    finally:
        db.dispose()


@jobs_app.command("list")
def jobs_list(cursor: str | None = CURSOR_OPTION, limit: int = LIMIT_OPTION) -> None:
    """The registered jobs, how often each runs, and (procrastinate) a page of the newest
    runs."""
    from callwarden.cli_support import new_table
    from callwarden.config import load_settings
    from callwarden.jobs_api import jobs_view
    from callwarden.runtime import open_database

    settings = load_settings()
    db = open_database(settings)
    try:
        view = jobs_view(settings, db, None, cursor, limit)
    finally:
        db.dispose()
    table = new_table("job", "every (s)", "attempts", "what it does", keep_whole=("job",))
    for job in view.jobs:
        every = "deferred" if job.every_s is None else f"{job.every_s:g}"
        table.add_row(job.name, every, str(job.attempts), job.summary)
    console.print(table)
    if view.backend == "procrastinate":
        runs = new_table("id", "job", "status", "attempts", "at", "arguments", keep_whole=("id",))
        for run in view.runs.items:
            when = run.at.isoformat(timespec="seconds") if run.at else ""
            runs.add_row(
                str(run.id), run.name, run.status, str(run.attempts), when, str(run.arguments)
            )
        print_page([], view.runs.next_cursor, False, runs)


def main() -> None:
    app()
