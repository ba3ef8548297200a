"""The policy's background job: re-schedule recordings once a version applied ahead takes effect.

A version applied with a later `effective_from` cannot re-schedule anything when applied (the
old one is still in force); this job notices, within the hour, that it now is.
"""

from __future__ import annotations

from callwarden.identity.principal import SYSTEM
from callwarden.jobs import JobContext, periodic
from callwarden.policy import service

RESCHEDULE_EVERY_S = 3600.0


@periodic("retention.reschedule", every=lambda settings: RESCHEDULE_EVERY_S)
def reschedule_job(context: JobContext) -> int | None:
    """Re-schedule under the version in force if it has not been yet (the version, or None)."""
    with context.db.unit_of_work() as session:
        return service.reschedule_pending(session, SYSTEM.actor)
