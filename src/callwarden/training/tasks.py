"""The periodic recurrence job: each day, a new round of every recurring course for whoever
completed their last round a recurrence ago (`assigning.assign_recurrences`, idempotent, so a
run missed or run twice neither loses nor doubles a round)."""

from __future__ import annotations

import logging

from callwarden.jobs import JobContext, periodic
from callwarden.training import assigning

log = logging.getLogger(__name__)
DAY_S = 24 * 3600.0
ACTOR = "system:training"


@periodic("training.recurrences", every=lambda settings: DAY_S)
def recurrences(context: JobContext) -> int:
    """Assign the rounds that came due; how many were made."""
    with context.db.unit_of_work() as session:
        made = assigning.assign_recurrences(session, ACTOR)
    log.info("training recurrences", extra={"assigned": made})
    return made
