"""`callwarden recordings import PATH... --call ID`: bulk import with a progress bar."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from callwarden.cli_support import console, new_app
from callwarden.config import load_settings
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import CallwardenError, InvalidInput
from callwarden.runtime import open_database
from callwarden.vault import intake
from callwarden.vault.runtime import vault_for

app = new_app("Import recordings into the vault.")
PIECE = 1 << 20


def _pieces(path: Path, progress: Progress, task: object) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            progress.advance(task, len(piece))  # type: ignore[arg-type]
            yield piece


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            digest.update(piece)
    return digest.hexdigest()


@app.command("import")
def import_files(
    paths: list[Path] = typer.Argument(..., help="Audio files (WAV, FLAC, Ogg Opus)."),
    call: str = typer.Option(..., "--call", help="The call these recordings belong to."),
    channel_map: str | None = typer.Option(
        None, help="Party keys per channel, e.g. customer,agent"
    ),
    agent: str | None = typer.Option(None, help="The agent's username."),
) -> None:
    """Import files for one call; each is checked by the consent ledger like an upload."""
    for path in paths:
        if not path.is_file():
            raise InvalidInput(f"{path} is not a file")
    settings = load_settings()
    db = open_database(settings)
    vault = vault_for(settings)
    stored = refused = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            overall = progress.add_task(
                "importing", total=sum(path.stat().st_size for path in paths)
            )
            for path in paths:
                request = intake.IntakeRequest(
                    call_id=call,
                    idempotency_key=f"import:{_digest(path)}",
                    source="import",
                    channel_map=tuple(channel_map.split(",")) if channel_map else (),
                    agent=agent,
                )
                progress.update(overall, description=path.name)
                try:
                    result = intake.ingest(
                        db,
                        vault,
                        cli_principal(),
                        request,
                        _pieces(path, progress, overall),
                        settings.data_dir / "spool",
                    )
                except CallwardenError as error:
                    refused += 1
                    console.print(f"[red]refused[/] {path}: {error.detail}", highlight=False)
                    continue
                stored += 1
                verb = "stored" if result.created else "already stored"
                console.print(
                    f"{verb} {path} as {result.recording['recording_id']}", highlight=False
                )
    finally:
        db.dispose()
    console.print(f"{stored} stored, {refused} refused")
    if refused:
        raise typer.Exit(1)
