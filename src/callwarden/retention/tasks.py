"""The retention sweep as a periodic job: daily by default, in-process or on the workers."""

from __future__ import annotations

import logging

from callwarden.jobs import JobContext, periodic
from callwarden.kit import clock
from callwarden.retention.sweeping import SweepRunning, sweep

log = logging.getLogger(__name__)


@periodic("retention.sweep", every=lambda settings: settings.retention_sweep_hours * 3600)
def sweep_job(context: JobContext) -> int:
    """Dispose of recordings due and unheld (keys destroyed, objects deleted), then certify."""
    try:
        summary = sweep(context.db, context.settings, clock.now())
    except SweepRunning:  # an operator's sweep is under way; the next tick looks again
        log.info("retention sweep skipped: another sweep is running")
        return 0
    if summary.sweep_id or summary.finished:
        log.info(
            "retention sweep",
            extra={"sweep": summary.sweep_id, "disposed": summary.disposed, "held": summary.held},
        )
    return summary.disposed
