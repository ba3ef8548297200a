"""The periodic integrity check: a rolling sample of recordings, least recently verified first.

Each run verifies `CALLWARDEN_VERIFY_SAMPLE_SIZE` recordings (0 turns it off), so over time
every recording is checked again, and a flipped bit on disk or a swapped object is found before
someone needs the recording, not when they do.
"""

from __future__ import annotations

from callwarden.jobs import JobContext, periodic
from callwarden.vault import integrity
from callwarden.vault.runtime import vault_for

VERIFIER_ACTOR = "job:vault-verify"


@periodic("vault.verify_sample", every=lambda settings: settings.verify_every_minutes * 60)
def verify_sample(context: JobContext) -> int:
    """Verify a rolling sample of recordings end to end; damaged ones are marked and audited."""
    size = context.settings.verify_sample_size
    if size == 0:
        return 0
    with context.db.reading() as session:
        chosen = integrity.least_recently_verified(session, size)
    if not chosen:
        return 0
    vault = vault_for(context.settings)
    report = integrity.verify_recordings(context.db, vault, chosen, VERIFIER_ACTOR)
    return report.checked
