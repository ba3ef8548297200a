"""Training's periodic work: queueing the reminders due (the mail job sends them)."""

from __future__ import annotations

import logging

from callwarden.jobs import JobContext, periodic
from callwarden.training.mailing import queue_reminders

log = logging.getLogger(__name__)
REMINDERS_EVERY_S = 3600.0  # reminders are about days; an hour late is on time


@periodic("training.reminders", every=lambda settings: REMINDERS_EVERY_S)
def reminders_job(context: JobContext) -> int:
    """Queue a reminder before and after the due date of each open training assignment."""
    with context.db.unit_of_work() as session:
        queued = queue_reminders(session)
    if queued:
        log.info("training reminders queued", extra={"queued": queued})
    return queued
