"""`callwarden vault verify`: decrypt recordings end to end and compare them with their rows.

Each bad recording is named with what is wrong with it, marked damaged and audited; the command
exits 1 if any was bad, so a cron job or CI step can alert on it.
"""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from callwarden.cli_support import console, new_app
from callwarden.config import load_settings
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import InvalidInput
from callwarden.runtime import open_database
from callwarden.vault import integrity
from callwarden.vault.runtime import vault_for

app = new_app("Check the sealed recordings in the vault.")


@app.command("verify")
def verify(
    every: bool = typer.Option(False, "--all", help="Every recording (the default)."),
    sample: int | None = typer.Option(
        None,
        "--sample",
        min=1,
        help="The N recordings verified longest ago (never-verified ones first).",
    ),
    recording: list[str] = typer.Option(
        [], "--recording", help="This recording (repeatable); with --all or --sample, as well."
    ),
) -> None:
    """Decrypt and re-hash recordings; name each damaged one; exit 1 if any is damaged."""
    if every and sample is not None:
        raise InvalidInput("choose --all or --sample N, not both")
    settings = load_settings()
    db = open_database(settings)
    try:
        with db.reading() as session:
            chosen: list[str] = []
            if every or (sample is None and not recording):
                chosen = integrity.every_recording(session)
            elif sample is not None:
                chosen = integrity.least_recently_verified(session, sample)
        ids = list(dict.fromkeys([*recording, *chosen]))
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("verifying recordings", total=len(ids))

            def checked(recording_id: str, bad: integrity.Bad | None) -> None:
                if bad is not None:
                    progress.console.print(
                        f"[red]DAMAGED[/] {recording_id}: {bad.reason} ({bad.failure})",
                        highlight=False,
                    )
                progress.advance(task)

            report = integrity.verify_recordings(
                db, vault_for(settings), ids, cli_principal().actor, on_checked=checked
            )
    finally:
        db.dispose()
    for recording_id in report.skipped:
        console.print(f"skipped {recording_id}: no such recording, or its key was destroyed")
    summary = f"{report.checked} recording(s) verified, {len(report.bad)} damaged"
    if report.ok:
        console.print(f"[green]{summary}[/]", highlight=False)
        return
    typer.echo(summary, err=True)
    raise typer.Exit(1)
