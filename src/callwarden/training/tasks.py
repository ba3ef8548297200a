"""Training's periodic work: queueing the reminders due (the mail job sends them), and each day
a new round of every recurring course for whoever completed their last round a recurrence ago
(`assigning.assign_recurrences`, idempotent, so a run missed or run twice neither loses nor
doubles a round)."""

from __future__ import annotations

import logging

from callwarden.jobs import JobContext, periodic
from callwarden.training import assigning
from callwarden.training.mailing import queue_reminders

log = logging.getLogger(__name__)
REMINDERS_EVERY_S = 3600.0  # reminders are about days; an hour late is on time
DAY_S = 24 * 3600.0
ACTOR = "system:training"


@periodic("training.reminders", every=lambda settings: REMINDERS_EVERY_S)
def reminders_job(context: JobContext) -> int:
    """Queue a reminder before and after the due date of each open training assignment."""
    with context.db.unit_of_work() as session:
        queued = queue_reminders(session)
    if queued:
        log.info("training reminders queued", extra={"queued": queued})
    return queued


@periodic("training.recurrences", every=lambda settings: DAY_S)
def recurrences(context: JobContext) -> int:
    """Assign the rounds that came due; how many were made."""
    with context.db.unit_of_work() as session:
        made = assigning.assign_recurrences(session, ACTOR)
    log.info("training recurrences", extra={"assigned": made})
    return made
