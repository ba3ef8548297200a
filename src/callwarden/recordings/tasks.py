"""The recordings' background jobs: fetch what Twilio holds, sweep orphans, check integrity.

Each job is thin: the work is in `calls.adapters.twilio.fetch` (one download through intake),
`orphans` and `integrity`.

The periodic integrity check verifies a rolling sample of `CALLWARDEN_VERIFY_SAMPLE_SIZE`
recordings (0 turns it off), least recently verified first, so over time every recording is
checked again, and a flipped bit on disk or a swapped object is found before someone needs the
recording, not when they do.
"""

from __future__ import annotations

from datetime import timedelta

from callwarden.calls.adapters.twilio import fetch
from callwarden.jobs import JobContext, Retry, RetryLater, periodic, task
from callwarden.recordings import integrity, orphans
from callwarden.vault.runtime import vault_for

VERIFIER_ACTOR = "job:vault-verify"
FETCH_ONE = "twilio.fetch_recording"


@periodic("twilio.fetch_recordings", every=lambda settings: settings.jobs_poll_seconds)
def fetch_recordings(context: JobContext) -> int:
    """Queue a download of each completed Twilio recording that is due (one job per row)."""
    due = fetch.due_rows(context.settings, context.db)
    return sum(
        context.defer(FETCH_ONE, key=f"{FETCH_ONE}:{row_id}", row_id=row_id) for row_id in due
    )


@task(FETCH_ONE, retry=Retry(attempts=lambda settings: settings.fetch_max_attempts))
def fetch_recording(context: JobContext, row_id: int) -> str:
    """Download one completed Twilio recording into the vault, through intake."""
    settings = context.settings
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return "not configured"
    attempt = fetch.fetch_recording(settings, context.db, row_id)
    if attempt is None:
        return "taken"  # another worker has it, or it was finished meanwhile
    if attempt.retry_in is not None:
        raise RetryLater(attempt.error or "retry", after_s=attempt.retry_in)
    return attempt.recording_id or (attempt.error or "")


@periodic("vault.sweep_orphans", every=lambda settings: settings.sweep_every_minutes * 60)
def sweep_orphans_job(context: JobContext) -> int:
    """Remove vault objects whose recording row never committed, after the grace period."""
    settings = context.settings
    grace = timedelta(minutes=settings.orphan_grace_minutes)
    return len(orphans.sweep(settings, context.db, grace))


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
