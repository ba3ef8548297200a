"""`callwarden keys rotate|public|status`: key-encryption keys, without touching any audio."""

from __future__ import annotations

import typer
from rich.progress import Progress
from sqlalchemy import func, select

from callwarden.audit import service as audit
from callwarden.cli_support import console, new_app, unit_of_work
from callwarden.config import load_settings
from callwarden.identity.principal import cli_principal
from callwarden.models import DataKey
from callwarden.vault.runtime import forget_cached_vaults, open_keyring
from callwarden.vault.wrapping import SCHEMES, WrappedKey

app = new_app("Rotate and inspect the vault's key-encryption keys.")
BATCH = 500


@app.command("rotate")
def rotate(
    scheme: str | None = typer.Option(None, help=f"One of {', '.join(SCHEMES)}; default: same."),
) -> None:
    """Add a key-encryption key version and re-wrap every data key under it (audio untouched)."""
    keyring = open_keyring(load_settings())
    version = keyring.rotate(scheme=scheme)
    forget_cached_vaults()
    moved = 0
    with unit_of_work() as session:
        total = session.execute(
            select(func.count())
            .select_from(DataKey)
            .where(DataKey.wrapped.is_not(None), DataKey.kek_version != version)
        ).scalar_one()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("re-wrapping data keys", total=total)
            for key in session.execute(
                select(DataKey).where(DataKey.wrapped.is_not(None), DataKey.kek_version != version)
            ).scalars():
                assert key.wrapped is not None
                rewrapped = keyring.rewrap(WrappedKey.decode(key.wrapped))
                key.wrapped, key.kek_version = rewrapped.encode(), rewrapped.kek_version
                moved += 1
                progress.advance(task)
                if moved % BATCH == 0:
                    session.flush()
        audit.record(
            session,
            actor=cli_principal().actor,
            action="keys.rotated",
            target=f"kek:{version}",
            data={"rewrapped": moved, "scheme": scheme},
        )
    console.print(f"key-encryption key version {version} is current; re-wrapped {moved} data keys")


@app.command("public")
def public() -> None:
    """Print the public key for intake-only nodes (set it as CALLWARDEN_VAULT_PUBLIC_KEY there)."""
    typer.echo(open_keyring(load_settings()).public_wrapper().to_text())


@app.command("status")
def status() -> None:
    keyring = open_keyring(load_settings())
    with unit_of_work() as session:
        counts = dict(
            session.execute(
                select(DataKey.kek_version, func.count())
                .where(DataKey.wrapped.is_not(None))
                .group_by(DataKey.kek_version)
            ).all()
        )
    for kek in keyring.versions:
        marker = " (current)" if kek.version == keyring.current_version else ""
        console.print(
            f"version {kek.version}{marker}: {kek.scheme}, {counts.get(kek.version, 0)} data keys",
            highlight=False,
        )
