"""The sender as a periodic job: in-process or on the workers."""

from __future__ import annotations

import logging

from callwarden.jobs import JobContext, periodic
from callwarden.mail.sending import send_due

log = logging.getLogger(__name__)


@periodic("mail.send", every=lambda settings: settings.mail_every_seconds)
def send_job(context: JobContext) -> int:
    """Send the outbox's mail that is due; what the server refuses or misses waits and retries."""
    delivery = send_due(context.db, context.settings)
    if delivery.sent:
        log.info("mail sent", extra={"sent": len(delivery.sent)})
    return len(delivery.sent)
