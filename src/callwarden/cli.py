"""The `callwarden` command: one Typer root that mounts each domain's commands."""

from __future__ import annotations

import sys

import typer

from callwarden.analysis.cli import app as analyze_app
from callwarden.audit.cli import app as audit_app
from callwarden.calls.cli import app as calls_app
from callwarden.cli_support import console, new_app
from callwarden.config import load_settings
from callwarden.db import Database
from callwarden.decisions.cli import decide
from callwarden.identity.cli import teams_app, tokens_app, users_app
from callwarden.law.cli import app as law_app
from callwarden.migrate import current_revision, head_revision, upgrade
from callwarden.policy.cli import app as policy_app
from callwarden.vault.import_cli import app as recordings_app
from callwarden.vault.keys_cli import app as keys_app
from callwarden.vault.sweep_cli import sweep_command

app = new_app("callwarden: call-recording governance. Not legal advice.")
db_app = new_app("Database schema.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(teams_app, name="teams")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(law_app, name="law")
app.add_typer(policy_app, name="policy")
app.add_typer(calls_app, name="calls")
app.add_typer(recordings_app, name="recordings")
app.add_typer(keys_app, name="keys")
app.add_typer(analyze_app, name="analyze")
jobs_app = new_app("Background jobs: fetching provider recordings, sweeping the vault.")
app.add_typer(jobs_app, name="jobs")
jobs_app.command("sweep")(sweep_command)
app.command("decide")(decide)


@app.command("init")
def init() -> None:
    """Initialise the data directory, database and first administrator (safe to run again)."""
    from callwarden.bootstrap import initialise

    settings = load_settings()
    report = initialise(settings)
    for name, changed, detail in report.steps:
        mark = "[green]created[/]" if changed else "[dim]exists[/] "
        console.print(f"{mark}  {name}: {detail}", highlight=False)
    if report.admin_password:
        console.print(
            "\n[bold]Administrator login[/]: user [bold]admin[/], "
            f"password [bold]{report.admin_password}[/]\n"
            "This password is shown once. Store it now; to get a token run:\n"
            "  callwarden tokens create --user admin",
            highlight=False,
        )
    if not report.changed:
        console.print("already initialised: nothing changed")
    database = settings.resolved_database_url
    console.print(f"data: {settings.data_dir.resolve()}  database: {database}", highlight=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations."""
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
) -> None:
    """Serve the API on the configured address."""
    import uvicorn

    from callwarden.runtime import open_database

    settings = load_settings()
    if settings.jobs_backend == "procrastinate":  # its workers run the jobs; PostgreSQL only
        from callwarden.jobs_queue import require_postgres

        require_postgres(settings)
    open_database(settings).dispose()  # refuse to start on a missing or stale schema
    if workers > 1 and settings.resolved_database_url.startswith("sqlite"):
        console.print("SQLite serves from one worker; use PostgreSQL for more.")
        workers = 1
    console.print(
        f"callwarden serving on http://{settings.bind_host}:{settings.bind_port}  "
        f"(API docs at /docs)",
        highlight=False,
    )
    # Request threads hand the GIL back and forth; a shorter switch interval keeps a thread that
    # holds the database's write lock from waiting 5 ms for the interpreter.
    sys.setswitchinterval(0.0005)
    uvicorn.run(
        "callwarden.app:create_app",
        factory=True,
        host=settings.bind_host,
        port=settings.bind_port,
        workers=workers,
        log_config=None,
        access_log=False,
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
def jobs_list() -> None:
    """The registered jobs, how often each runs, and (procrastinate) the newest runs."""
    from rich.table import Table

    from callwarden.jobs_api import jobs_view
    from callwarden.runtime import open_database

    settings = load_settings()
    db = open_database(settings)
    try:
        view = jobs_view(settings, db, None)
    finally:
        db.dispose()
    table = Table("job", "every (s)", "attempts", "what it does")
    for job in view.jobs:
        every = "deferred" if job.every_s is None else f"{job.every_s:g}"
        table.add_row(job.name, every, str(job.attempts), job.summary)
    console.print(table)
    if view.backend == "procrastinate":
        runs = Table("id", "job", "status", "attempts", "at", "arguments")
        for run in view.runs[:50]:
            when = run.at.isoformat(timespec="seconds") if run.at else ""
            runs.add_row(
                str(run.id), run.name, run.status, str(run.attempts), when, str(run.arguments)
            )
        console.print(runs)


def main() -> None:
    app()
