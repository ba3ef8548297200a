"""`callwarden audit verify|export`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import Progress

from callwarden.audit import service
from callwarden.cli_support import console, new_app, reading

app = new_app("Verify and export the hash-chained audit trail.")


@app.command("verify")
def verify() -> None:
    """Re-walk the chain; exit 1 naming the first event that does not verify."""
    with reading() as session, Progress(console=console, transient=True) as progress:
        task = progress.add_task("verifying audit chain", total=None)
        report = service.verify(
            session,
            on_start=lambda total: progress.update(task, total=total),
            on_event=lambda: progress.advance(task),
        )
    if report.ok:
        console.print(
            f"audit chain verifies: {report.checked} events, head {report.last_hash[:16]}…"
        )
        return
    typer.echo(f"audit chain BROKEN at event {report.broken_at}: {report.problem}", err=True)
    raise typer.Exit(1)


@app.command("export")
def export(
    output: Path = typer.Option(Path("-"), "--output", "-o", help="File to write; '-' for stdout."),
) -> None:
    """Write every event, in chain order, as JSON Lines."""
    with reading() as session:
        lines = (
            json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
            for row in service.export_rows(session)
        )
        if str(output) == "-":
            for line in lines:
                typer.echo(line, nl=False)
            return
        count = 0
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line)
                count += 1
        partial.replace(output)
    console.print(f"wrote {count} events to {output}", highlight=False)
