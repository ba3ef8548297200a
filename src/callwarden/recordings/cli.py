"""Recording commands: `recordings import`, `keys rotate|public|status` and `vault verify`.

Three groups of the root command (`callwarden.cli.RootGroup`), each imported only when one of
its commands runs. `jobs sweep` stays in `sweep_cli`, which the root imports for its help.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from callwarden.cli_support import console, new_app, unit_of_work
from callwarden.config import load_settings
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import CallwardenError, InvalidInput
from callwarden.recordings import intake, integrity, service
from callwarden.recordings.upload import IntakeRequest
from callwarden.runtime import open_database
from callwarden.vault.runtime import forget_cached_vaults, open_keyring, vault_for
from callwarden.vault.wrapping import SCHEMES

app = new_app("Import recordings into the vault.")
keys_app = new_app("Rotate and inspect the vault's key-encryption keys.")
vault_app = new_app("Check the sealed recordings in the vault.")
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
                request = IntakeRequest(
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


@keys_app.command("rotate")
def rotate(
    scheme: str | None = typer.Option(None, help=f"One of {', '.join(SCHEMES)}; default: same."),
) -> None:
    """Add a key-encryption key version and re-wrap every data key under it (audio untouched)."""
    keyring = open_keyring(load_settings())
    version = keyring.rotate(scheme=scheme)
    forget_cached_vaults()
    with unit_of_work() as session, Progress(console=console, transient=True) as progress:
        task = progress.add_task("re-wrapping data keys", total=None)

        def advanced(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        moved = service.rewrap_data_keys(
            session, keyring, version, cli_principal().actor, scheme, on_progress=advanced
        )
    console.print(f"key-encryption key version {version} is current; re-wrapped {moved} data keys")


@keys_app.command("public")
def public() -> None:
    """Print the public key for intake-only nodes (set it as CALLWARDEN_VAULT_PUBLIC_KEY there)."""
    typer.echo(open_keyring(load_settings()).public_wrapper().to_text())


@keys_app.command("status")
def status() -> None:
    """Each key-encryption key version, and how many data keys it wraps."""
    keyring = open_keyring(load_settings())
    with unit_of_work() as session:
        counts = service.data_keys_by_version(session)
    for kek in keyring.versions:
        marker = " (current)" if kek.version == keyring.current_version else ""
        console.print(
            f"version {kek.version}{marker}: {kek.scheme}, {counts.get(kek.version, 0)} data keys",
            highlight=False,
        )


# `callwarden vault verify`: each bad recording is named with what is wrong with it, marked
# damaged and audited; the command exits 1 if any was bad, so a cron job or CI can alert on it.
@vault_app.command("verify")
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
