"""The audit trail's background job: sign a checkpoint of the chain head while it grows."""

from __future__ import annotations

from callwarden.audit.checkpointing import write_due
from callwarden.jobs import JobContext, periodic


@periodic("audit.checkpoint", every=lambda settings: settings.audit_checkpoint_minutes * 60)
def checkpoint_job(context: JobContext) -> int:
    """Sign the audit chain's head (and N-th events a crash left unsigned) when it has grown."""
    return write_due(context.db, context.settings)
