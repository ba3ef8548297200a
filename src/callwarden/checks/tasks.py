"""The daily check run: every check over yesterday (UTC), as the system."""

from __future__ import annotations

import logging

from callwarden.checks import runs
from callwarden.jobs import JobContext, periodic
from callwarden.kit import clock

log = logging.getLogger(__name__)
DAY_S = 24 * 3600.0


@periodic("checks.daily", every=lambda settings: DAY_S)
def daily(context: JobContext) -> str:
    """Run every compliance check over yesterday and store the run with its findings."""
    with context.db.unit_of_work() as session:
        run = runs.run(session, runs.SYSTEM, runs.yesterday(clock.now()), context.settings)
        log.info("check run", extra={"run": run.id, "counts": run.counts, "errors": run.errors})
        return run.id
