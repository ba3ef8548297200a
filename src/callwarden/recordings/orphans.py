"""Sweeping what crashed intakes leave behind: vault objects with no row, and spool directories.

Intake writes the sealed object before its row commits, so a crash in between leaves an object
no committed recording refers to. Once older than the grace period (long enough for any upload
in flight to commit), such objects and the store's stale unfinished writes go, and each batch
removed is audited; so do the working directories of trimmed intakes whose process died.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.recordings import repository
from callwarden.vault.runtime import vault_for
from callwarden.vault.stores import sweep_orphans

SWEEPER_ACTOR = "job:vault-sweeper"
OBJECT_PREFIX = "recordings/"
AUDIT_BATCH = 500


def sweep(
    settings: Settings, db: Database, grace: timedelta, actor: str = SWEEPER_ACTOR
) -> list[str]:
    """Sweep orphans and stale writes older than `grace`; audit what went. Returns the keys."""

    def committed(key: str) -> bool:  # a fresh read per key: never an old snapshot
        with db.reading() as session:
            return repository.has_object(session, key)

    store = vault_for(settings).store
    deleted = sweep_orphans(store, committed, older_than=grace, prefix=OBJECT_PREFIX)
    spooled = _sweep_spool(settings.data_dir / "spool", grace)
    for start in range(0, len(deleted), AUDIT_BATCH):
        batch = deleted[start : start + AUDIT_BATCH]
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor=actor,
                action="vault.orphans_swept",
                target=f"vault:{settings.vault_store}",
                reason=f"no committed recording refers to them after {grace} (crashed intake)",
                data={"keys": batch, "count": len(batch), "spool_dirs_removed": spooled},
            )
    return deleted


def _sweep_spool(spool: Path, grace: timedelta) -> int:
    """Working directories of trimmed intakes whose process died (untouched for `grace`)."""
    cutoff, removed = (clock.now() - grace).timestamp(), 0
    for work in spool.glob(".intake-*") if spool.is_dir() else ():
        try:
            touched = max(path.stat().st_mtime for path in [work, *work.iterdir()])
        except OSError:  # its intake just finished and removed it
            continue
        if touched < cutoff:
            shutil.rmtree(work, ignore_errors=True)
            removed += 1
    return removed
