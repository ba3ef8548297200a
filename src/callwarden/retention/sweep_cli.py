"""`callwarden retention sweep`: dispose of what is due and unheld now, with a progress bar.

The same sweep as the daily job (`retention/sweeping.py`), run on the server's shell by an
operator (named by OS user in the audit trail), e.g. to catch up after downtime or to see with
`--dry-run` what the next run will take and what the holds keep.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from callwarden.cli_support import console
from callwarden.kit.errors import InvalidInput


def as_of_moment(value: str | None) -> datetime:
    """A date (its start, UTC) or an ISO 8601 date-time with a zone; None: now."""
    from callwarden.kit import clock
    from callwarden.retention.scope import moment

    if value is None:
        return clock.now()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        if "T" not in value:
            raise InvalidInput(
                f"--as-of {value!r} is not a date (2026-12-01) or date-time with a zone"
            ) from None
        return moment(value, "--as-of")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sweep_command(
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Dispose of what is due by then (a date: its start, UTC). Default: now.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count only; change nothing."),
    batch: int | None = typer.Option(
        None, "--batch", min=1, max=10_000, help="Recordings per transaction (default: setting)."
    ),
) -> None:
    """Dispose of every recording due and kept by no hold: key destroyed, object deleted,
    tombstone kept, each audited; then the sweep's destruction certificate."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from callwarden.config import load_settings
    from callwarden.identity.principal import cli_principal
    from callwarden.retention.sweeping import sweep
    from callwarden.runtime import open_database

    moment = as_of_moment(as_of)
    settings = load_settings()
    db = open_database(settings)
    columns = (TextColumn("disposing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("disposing", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = sweep(
                db, settings, moment, dry_run, advance, batch, actor=cli_principal().actor
            )
    finally:
        db.dispose()
    when = f"{summary.as_of:%Y-%m-%d %H:%M} UTC"
    for finished in summary.finished:
        console.print(f"finished the earlier sweep {finished}, left unfinished by a stopped run")
    if summary.dry_run:
        console.print(
            f"dry run as of {when}: {summary.due} recording(s) would be disposed of; "
            f"{summary.held} due but kept by legal holds; nothing changed"
        )
        return
    if summary.sweep_id is None:
        console.print(
            f"as of {when}: nothing due ({summary.held} due but kept by legal holds); "
            "no sweep, no certificate"
        )
        return
    sweeps = ", ".join(summary.sweep_ids)
    console.print(
        f"sweep {sweeps} as of {when}: {summary.disposed} recording(s) disposed of "
        f"(keys destroyed, {summary.objects_deleted} object(s) deleted); "
        f"{summary.held} due but kept by legal holds"
    )
    for sweep_id in summary.sweep_ids:
        console.print(f"certificate: callwarden retention certificate show {sweep_id}")
