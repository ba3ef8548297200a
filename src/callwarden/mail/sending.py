"""Sending the outbox over SMTP (`smtplib`): one connection per batch, at least once.

Each batch is claimed in a short transaction, sent with no transaction open, and its outcome
written in another: a message is marked sent only after the server accepted it (`sendmail`
returned without refusing its one recipient). A server that is down, refuses us, or drops the
connection mid-batch leaves every message not accepted queued with a back-off; a sender that
dies between acceptance and the write sends that message again after the lease, which is the
price of never losing one.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.mail import outbox
from callwarden.models import OutboxMail

log = logging.getLogger(__name__)
SEND_BATCH = 100
# Headers unfolded up to RFC 5322's limit: the standard library folds a long subject as
# "Subject:" and a continuation line, which some readers show with a leading blank.
_POLICY = SMTP.clone(max_line_length=998)


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class NotConfigured(Exception):
    """Mail cannot be sent as configured (no server, or a username with no domain)."""


def address_of(recipient: str, settings: Settings) -> str:
    if "@" in recipient:
        return recipient
    if not settings.smtp_recipient_domain:
        raise NotConfigured("CALLWARDEN_SMTP_RECIPIENT_DOMAIN is not set; no address for a person")
    return f"{recipient}@{settings.smtp_recipient_domain}"


def compose(row: OutboxMail, settings: Settings) -> EmailMessage:
    """The message as sent; the console link is made absolute now, so queued mail follows a
    change of the public URL."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = settings.smtp_sender
    message["To"] = address_of(row.recipient, settings)
    message["Subject"] = row.subject
    message["Date"] = formatdate(clock.now().timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid(idstring=row.id)
    body = row.body
    if row.link:
        base = settings.public_base_url or f"http://{settings.bind_host}:{settings.bind_port}"
        body = f"{body.rstrip()}\n\n{base.rstrip('/')}{row.link}\n"
    message.set_content(body)
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_host is None:
        raise NotConfigured("CALLWARDEN_SMTP_HOST is not set")
    timeout = settings.smtp_timeout_seconds
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.smtp_tls == "tls":
        client = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_tls == "starttls":
            client.starttls(context=context)  # raises if the server cannot: never plain instead
    if settings.smtp_username:
        client.login(settings.smtp_username, settings.smtp_password or "")
    return client


def deliver(rows: list[OutboxMail], settings: Settings) -> Delivery:
    """Send `rows` over one connection; what was accepted, and why each other one was not."""
    delivery = Delivery()
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException, NotConfigured) as error:
        reason = f"{type(error).__name__}: {error}"
        delivery.failed = {row.id: reason for row in rows}
        return delivery
    try:
        for index, row in enumerate(rows):
            try:
                message = compose(row, settings)
                client.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, NotConfigured) as error:
                delivery.failed[row.id] = f"{type(error).__name__}: {error}"
            except (OSError, smtplib.SMTPException) as error:  # the connection is gone
                reason = f"{type(error).__name__}: {error}"
                delivery.failed.update({later.id: reason for later in rows[index:]})
                break
            else:
                delivery.sent.append(row.id)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return delivery


def send_due(db: Database, settings: Settings, batch: int = SEND_BATCH) -> Delivery:
    """Send every message due, a batch per connection, until none is due or a batch fails
    whole (the server is down: the next run tries again after the back-off)."""
    total = Delivery()
    while True:
        with db.unit_of_work() as session:
            rows = outbox.claim_due(session, batch)
            for row in rows:
                session.expunge(row)
        if not rows:
            return total
        delivery = deliver(rows, settings)
        now = clock.now()
        with db.unit_of_work() as session:
            outbox.mark_sent(session, delivery.sent, now)
            outbox.mark_failed(session, delivery.failed, now)
        total.sent += delivery.sent
        total.failed.update(delivery.failed)
        if delivery.failed:
            log.warning(
                "mail not sent; it stays queued",
                extra={"failed": len(delivery.failed), "sent": len(delivery.sent)},
            )
        if not delivery.sent:
            return total
