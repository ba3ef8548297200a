"""`callwarden audit verify|export|public-key|checkpoint`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress

from callwarden.audit import service
from callwarden.audit.chain import ChainEntry
from callwarden.cli_support import console, new_app
from callwarden.config import load_settings
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import ConfigurationError, InvalidInput
from callwarden.runtime import open_database

if TYPE_CHECKING:  # cryptography is imported by the commands that use it, not by `--help`
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from callwarden.audit.checkpoints import StoredCheckpoint, TrailReport
app = new_app("Verify and export the hash-chained audit trail and its signed checkpoints.")


def checkpoints_path(export: Path) -> Path:
    """Where an export's checkpoints go: `trail.jsonl` → `trail.checkpoints.jsonl`."""
    return export.with_name(f"{export.stem}.checkpoints.jsonl")


def _public_key(path: Path | None) -> Ed25519PublicKey | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read public key {path}: {exc}") from None
    from callwarden.signing import public_key_from_text

    return public_key_from_text(text, str(path))


@app.command("verify")
def verify(
    public_key: Path | None = typer.Option(
        None, "--public-key", help="PEM public key to check checkpoints with (else this node's)."
    ),
    export: Path | None = typer.Option(
        None, "--export", help="Verify this `audit export` file offline, without the database."
    ),
    checkpoints: Path | None = typer.Option(
        None, "--checkpoints", help="The export's checkpoints (default: written alongside it)."
    ),
    every: int | None = typer.Option(
        None,
        "--every",
        min=1,
        help="With --export: the N checkpoints were signed at (default "
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY); each checkpoint also carries its own.",
    ),
) -> None:
    """Re-walk the chain and hold it to the signed checkpoints; exit 1 naming what is wrong."""
    from callwarden.audit import checkpointing

    settings = load_settings()
    key = _public_key(public_key)
    if export is not None:
        if key is None:
            raise InvalidInput(
                "--export needs --public-key: the key the checkpoints are signed with"
            )
        stored = _read_checkpoints(checkpoints or checkpoints_path(export))
        events = _read_export(export)
        n = every or settings.audit_checkpoint_every
        report = checkpointing.verify_exported(events, stored, key, n)
        _say(report)
        return
    db = open_database(settings)
    try:
        with db.reading() as session, Progress(console=console, transient=True) as progress:
            task = progress.add_task("verifying audit chain", total=None)
            report = checkpointing.verify_stored(
                session,
                settings,
                key,
                on_start=lambda total: progress.update(task, total=total),
                on_event=lambda: progress.advance(task),
            )
    finally:
        db.dispose()
    _say(report)


def _say(report: TrailReport) -> None:
    if report.ok:
        signed = f"; {report.checkpoints_checked} signed checkpoints match"
        if report.last_checkpoint_seq is not None:
            signed += f" (the newest of event {report.last_checkpoint_seq})"
        console.print(
            f"audit chain verifies: {report.checked} events, head {report.last_hash[:16]}…{signed}",
            highlight=False,
        )
        return
    typer.echo(f"audit chain BROKEN at event {report.broken_at}: {report.problem}", err=True)
    raise typer.Exit(1)


def _read_checkpoints(path: Path) -> list[StoredCheckpoint]:
    from callwarden.audit.checkpoints import StoredCheckpoint

    if not path.exists():
        return []  # none at all: the check says whether the export is long enough to need some
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        StoredCheckpoint(f"{path.name} line {number}", line)
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def _read_export(path: Path) -> list[ChainEntry]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read export {path}: {exc}") from None
    entries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            entries.append(
                ChainEntry(
                    seq=int(row["seq"]),
                    occurred_at=datetime.fromisoformat(row["occurred_at"]),
                    actor=row["actor"],
                    action=row["action"],
                    target=row["target"],
                    reason=row["reason"],
                    data=row["data"],
                    prev_hash=row["prev_hash"],
                    hash=row["hash"],
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"{path.name} line {number} is not an audit event: {exc}") from None
    return entries


@app.command("export")
def export(
    output: Path = typer.Option(Path("-"), "--output", "-o", help="File to write; '-' for stdout."),
    checkpoints: Path | None = typer.Option(
        None,
        "--checkpoints",
        help="Write the signed checkpoints here (default with -o FILE: FILE's stem + "
        ".checkpoints.jsonl beside it), for `audit verify --export`.",
    ),
) -> None:
    """Write every event, in chain order, as JSON Lines, and its checkpoints alongside."""
    from callwarden.audit.checkpointing import checkpoints_up_to

    settings = load_settings()
    db = open_database(settings)
    last_seq, count = 0, 0
    try:
        with db.reading() as session:
            partial = output.with_name(output.name + ".partial")
            handle = None if str(output) == "-" else partial.open("w", encoding="utf-8")
            for row in service.export_rows(session):
                line = json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
                if handle is None:
                    typer.echo(line, nl=False)
                else:
                    handle.write(line)
                last_seq, count = int(row["seq"]), count + 1
            if handle is not None:
                handle.close()
                partial.replace(output)
    finally:
        db.dispose()
    target = checkpoints or (None if str(output) == "-" else checkpoints_path(output))
    kept = checkpoints_up_to(settings, last_seq) if target is not None else []
    if target is not None:
        target.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    if str(output) != "-":
        console.print(f"wrote {count} events to {output}", highlight=False)
        if target is not None:
            console.print(f"wrote {len(kept)} signed checkpoints to {target}", highlight=False)


@app.command("public-key")
def public_key_command(
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (PEM)."),
) -> None:
    """The public key auditors verify checkpoints with (PEM); the signing key stays here."""
    from callwarden.signing import load_signing_key, public_key_pem

    pem = public_key_pem(load_signing_key(load_settings()))
    if output is None:
        typer.echo(pem, nl=False)
        return
    output.write_text(pem, encoding="ascii")
    console.print(f"wrote the audit public key to {output}", highlight=False)


@app.command("checkpoint")
def checkpoint(
    backfill: bool = typer.Option(
        False, help="Also sign every N-th event without a checkpoint (after an upgrade)."
    ),
) -> None:
    """Sign a checkpoint of the chain head now (the periodic job does this while it grows)."""
    from callwarden.audit.checkpointing import write_due
    from callwarden.signing import load_signing_key

    settings = load_settings()
    load_signing_key(settings)  # one clear line when this node cannot sign
    db = open_database(settings)
    try:
        written = write_due(db, settings, everything=backfill)
        if backfill and written:  # signing old events is a statement about them: keep it
            with db.unit_of_work() as session:
                service.record(
                    session,
                    actor=cli_principal().actor,
                    action="audit.checkpoints_backfilled",
                    target="audit:chain",
                    reason="audit checkpoint --backfill",
                    data={"signed": written},
                )
    finally:
        db.dispose()
    console.print(f"signed {written} audit checkpoint(s)", highlight=False)


def _day_or_moment(value: str, option: str) -> datetime:
    """A date (midnight UTC) or an ISO time with its offset."""
    from datetime import UTC

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{option} {value!r} is not a date (2026-01-31) or an ISO time"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@app.command("package")
def package_command(
    since: str = typer.Option(..., "--from", help="Start of the period (date or ISO time)."),
    until: str = typer.Option(..., "--to", help="End of the period, exclusive (date or time)."),
    output: Path = typer.Option(..., "--output", "-o", help="The zip to write."),
) -> None:
    """The evidence package of a period for external auditors, with its offline verify.py."""
    from callwarden.audit import package

    settings = load_settings()
    start, end = _day_or_moment(since, "--from"), _day_or_moment(until, "--to")
    db = open_database(settings)
    try:
        built = package.deliver_file(db, settings, cli_principal().actor, start, end, output)
    finally:
        db.dispose()
    what = (
        "an EMPTY period (no audit events)"
        if built.events == 0
        else f"{built.events} audit events (seq {built.first_seq}–{built.last_seq})"
    )
    console.print(
        f"wrote {output}: {what}, {built.checkpoints} signed checkpoints, "
        f"{built.certificates} destruction certificates, {built.check_runs} check runs with "
        f"{built.check_findings} findings; verify with: "
        f"python3 -I verify.py {output.name} --public-key KEY.pem",
        highlight=False,
    )
