"""`callwarden retention certificate verify|show`: a destruction certificate, offline or stored.

`verify` is what an auditor runs on a copy they were given, on any machine: it reads the file and
a public key (`callwarden audit public-key` exports this installation's) and never opens the
database. Exit status: 0 verified, 1 not verified (one line saying where), 2 bad usage (no such
file, no key).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from callwarden.cli_support import console, new_app, print_json, reading
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import ConfigurationError
from callwarden.retention import certificate
from callwarden.retention.certificate_check import refuse_oversized

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

certificate_app = new_app("Destruction certificates: write one out, verify one offline.")


def _usage(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _public_key(path: Path | None) -> Ed25519PublicKey:
    """The key given, else this node's own (the public half of its signing key)."""
    from callwarden.config import load_settings
    from callwarden.signing import load_signing_key, public_key_from_text

    try:
        if path is None:
            return load_signing_key(load_settings()).public_key()
        return public_key_from_text(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        _usage(f"cannot read public key {path}: {exc}")
    except ConfigurationError as exc:
        hint = "" if path is not None else " (pass --public-key FILE, as `audit public-key` wrote)"
        _usage(f"{exc.detail}{hint}")


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        _usage(f"cannot read {file}: {exc.strerror or exc}")


@certificate_app.command("verify")
def verify_command(
    file: Path = typer.Argument(..., help="The certificate (JSON) to check."),
    public_key: Path | None = typer.Option(
        None, "--public-key", help="PEM public key it should be signed with (else this node's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what it states, as JSON."),
) -> None:
    """Check a certificate offline with the public key alone; exit 1 saying where it fails."""
    key = _public_key(public_key)
    try:
        size = file.stat().st_size
    except OSError as exc:
        _usage(f"cannot read {file}: {exc.strerror or exc}")
    try:
        refuse_oversized(size)
        raw = _read(file)
        verified = certificate.verify(raw, key)
    except certificate.CertificateRejected as rejected:
        typer.echo(f"NOT VERIFIED: {rejected.detail}", err=True)
        raise typer.Exit(1) from None
    digest = hashlib.sha256(raw).hexdigest()
    if as_json:
        print_json(
            {
                "verified": True,
                "sha256": digest,
                "key_id": verified.key_id,
                "sweep": verified.sweep,
                "issued_at": verified.issued_at,
                "count": verified.count,
                "recordings": [entry["recording_id"] for entry in verified.recordings],
            }
        )
        return
    sweep = verified.sweep
    console.print(
        f"verified: sweep {sweep['id']} ({sweep['kind']}, as of {sweep['as_of']}) destroyed "
        f"{verified.count} recordings; signed by {verified.key_id} at {verified.issued_at}; "
        f"sha256 {digest}",
        highlight=False,
    )


@certificate_app.command("show")
def show_command(
    sweep_id: str,
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write it to."),
) -> None:
    """Write out a sweep's certificate exactly as it was signed (to stdout, or to a file)."""
    with reading() as session:
        text = certificate.certificate_of(session, cli_principal(), sweep_id)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_bytes(text.encode("utf-8"))
    console.print(f"wrote the certificate of sweep {sweep_id} to {output}", highlight=False)
