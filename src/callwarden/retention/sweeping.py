"""The retention sweep: dispose of everything due and unheld, in batches, and certify it.

Each batch is planned and disposed of in one transaction, then its objects are deleted from the
store in another. A run killed anywhere leaves only committed batches; the next run first
finishes what earlier runs left (objects still to delete, schedule sweeps never certified),
then sweeps anew. One sweep runs at a time (an advisory lock on PostgreSQL, a file lock beside
SQLite's data), so the daily job and an operator's command never finish each other's sweep.
A run with nothing due opens no sweep and writes no certificate: there is nothing to prove.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit.errors import Conflict
from callwarden.models import RetentionSweep
from callwarden.retention import certificate, disposal, planning
from callwarden.vault.runtime import vault_for
from callwarden.vault.stores.base import BlobStore

ACTOR = "system:retention"
LOCK_KEY = zlib.crc32(b"callwarden.retention.sweep")
# Recordings one sweep (one certificate) disposes of at most: about 1 KiB each in the signed
# JSON, so a certificate stays well under the 256 MiB a verifier reads.
PER_SWEEP = 100_000
Progress = Callable[[int, int], None]  # (recordings handled so far, due in all)


@dataclass
class Summary:
    """What a run did (or, dry, would do), for the command, the API and the job's log."""

    as_of: datetime
    dry_run: bool
    due: int  # due and kept by no hold, when the run began
    held: int  # due but kept by an active hold
    disposed: int = 0
    sweep_ids: list[str] = field(default_factory=list)  # new sweeps; none when nothing was due
    finished: list[str] = field(default_factory=list)  # earlier sweeps this run finished
    objects_deleted: int = 0

    @property
    def sweep_id(self) -> str | None:
        """The run's (first) sweep; a run over PER_SWEEP recordings certifies in several."""
        return self.sweep_ids[0] if self.sweep_ids else None


class SweepRunning(Conflict):
    code = "sweep_running"


@contextmanager
def exclusive(db: Database, settings: Settings) -> Iterator[None]:
    """Hold the one-sweep-at-a-time lock, or raise SweepRunning. The lock dies with the process
    (a session advisory lock, an flock), so a killed sweep never blocks the next."""
    if db.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with open(settings.data_dir / "retention-sweep.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SweepRunning("a retention sweep is already running") from None
            yield
        return
    with db.engine.connect() as connection:
        if not connection.execute(select(func.pg_try_advisory_lock(LOCK_KEY))).scalar_one():
            raise SweepRunning("a retention sweep is already running")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.commit()


def _certify(db: Database, settings: Settings, sweep_id: str) -> None:
    """Finish one sweep: its certificate when it disposed of anything, else a plain close."""
    with db.unit_of_work() as session:
        sweep = session.get(RetentionSweep, sweep_id)
        if sweep is None or sweep.finished_at is not None:
            return
        if not sweep.disposed_count:
            disposal.close_empty(session, sweep)
        else:
            certificate.issue(session, sweep, settings)


def delete_left_objects(db: Database, store: BlobStore, batch: int = 1000) -> int:
    """Delete every object whose disposal committed but whose deletion did not (a crash)."""
    deleted = 0
    while True:
        with db.unit_of_work() as session:
            done = disposal.delete_objects(session, store, None, batch)
        deleted += done
        if done < batch:
            return deleted


def finish_earlier(db: Database, settings: Settings, store: BlobStore) -> tuple[list[str], int]:
    """Finish what killed runs left: (the schedule sweeps now certified, objects deleted)."""
    deleted = delete_left_objects(db, store)
    with db.reading() as session:
        left = [sweep.id for sweep in disposal.unfinished_sweeps(session, "schedule")]
    for sweep_id in left:
        _certify(db, settings, sweep_id)
    return left, deleted


def sweep(
    db: Database,
    settings: Settings,
    as_of: datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch: int | None = None,
    actor: str = ACTOR,
    per_sweep: int = PER_SWEEP,
) -> Summary:
    """Dispose of every stored recording due by `as_of` that no active hold keeps, in sweeps
    of at most `per_sweep` recordings (one certificate each).

    Dry: count only (what is due, what holds keep), change nothing, take no lock."""
    size = batch or settings.retention_sweep_batch
    if dry_run:
        with db.reading() as session:
            due, held = planning.count_due(session, as_of)
        return Summary(as_of, True, due, held)
    with exclusive(db, settings):
        return _run(db, settings, as_of, progress, (size, per_sweep), actor)


def _open(db: Database, actor: str, as_of: datetime) -> str:
    with db.unit_of_work() as session:
        return disposal.open_sweep(session, "schedule", actor, as_of).id


def _run(
    db: Database,
    settings: Settings,
    as_of: datetime,
    progress: Progress | None,
    sizes: tuple[int, int],
    actor: str,
) -> Summary:
    size, per_sweep = sizes
    store = vault_for(settings).store
    finished, deleted = finish_earlier(db, settings, store)
    with db.reading() as session:
        due, held = planning.count_due(session, as_of)
    summary = Summary(as_of, False, due, held, finished=finished, objects_deleted=deleted)
    if due == 0:
        return summary
    summary.sweep_ids.append(_open(db, actor, as_of))
    handled, in_sweep, after = 0, 0, None
    kept: set[str] | None = None
    while True:
        if in_sweep >= per_sweep:  # certificates stay a size a verifier reads whole
            summary.objects_deleted += delete_left_objects(db, store)
            _certify(db, settings, summary.sweep_ids[-1])
            summary.sweep_ids.append(_open(db, actor, as_of))
            in_sweep = 0
        with db.unit_of_work() as session:
            if kept is None:  # judged once for the plan; dispose judges each batch afresh
                kept = planning.held_due(session, as_of)
            planned = planning.due_and_unheld(session, as_of, size, after, kept)
            current = session.get(RetentionSweep, summary.sweep_ids[-1])
            assert current is not None
            disposed = [row.recording_id for row in disposal.dispose(session, planned, current)]
        if not planned:
            break
        after = planned[-1]
        with db.unit_of_work() as session:
            summary.objects_deleted += disposal.delete_objects(
                session, store, disposed, max(1, len(disposed))
            )
        summary.disposed += len(disposed)
        in_sweep += len(disposed)
        handled += len(planned)
        if progress is not None:
            progress(handled, max(due, handled))
    summary.objects_deleted += delete_left_objects(db, store)
    _certify(db, settings, summary.sweep_ids[-1])
    return summary
