"""`callwarden jobs sweep`: remove orphaned vault objects now, with an explicit grace period.

The periodic sweeper waits `CALLWARDEN_ORPHAN_GRACE_MINUTES` (at least one minute) so it never
races an upload about to commit. After a crash, with the server stopped, an operator can sweep
with `--grace-minutes 0` to see at once what the crash left behind. The root command imports
this module for its help, so the vault is imported only when the sweep runs; that is why it
is not in `recordings/cli.py`, which imports rich's progress bars and the recordings service.
"""

from __future__ import annotations

from datetime import timedelta

import typer

from callwarden.cli_support import console


def sweep_command(
    grace_minutes: float | None = typer.Option(
        None,
        min=0,
        help="Only objects older than this go (default: CALLWARDEN_ORPHAN_GRACE_MINUTES). "
        "Use 0 only while no upload is in progress.",
    ),
) -> None:
    """Delete vault objects no committed recording refers to (audited as vault.orphans_swept)."""
    from callwarden.config import load_settings
    from callwarden.identity.principal import cli_principal
    from callwarden.recordings.orphans import sweep
    from callwarden.runtime import open_database

    settings = load_settings()
    minutes = settings.orphan_grace_minutes if grace_minutes is None else grace_minutes
    db = open_database(settings)
    try:
        deleted = sweep(settings, db, timedelta(minutes=minutes), actor=cli_principal().actor)
    finally:
        db.dispose()
    for key in deleted:
        console.print(f"removed {key}", highlight=False)
    console.print(f"{len(deleted)} orphan object(s) removed (grace {minutes:g} min)")
