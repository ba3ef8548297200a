"""The outbox and its sender against a real SMTP server on loopback (aiosmtpd), on both
databases: mail arrives as queued, a dedupe key queues once, and a server that is down or
refuses a recipient delays mail without losing any."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callwarden import jobs
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext
from callwarden.kit import clock
from callwarden.mail import outbox
from callwarden.mail.sending import send_due
from callwarden.mail.tasks import send_job
from callwarden.models import OutboxMail
from tests.support.smtp import DOMAIN, SmtpServer

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _queue(db: Database, *names: str, key: str = "k") -> int:
    with db.unit_of_work() as session:
        return outbox.queue(
            session,
            (
                outbox.Message(
                    dedupe_key=f"{key}:{name}",
                    recipient=name,
                    subject=f"Hello {name}",
                    body="Read this.",
                    kind="test",
                    link="/policy/versions/2",
                )
                for name in names
            ),
        )


def _rows(db: Database) -> dict[str, OutboxMail]:
    with db.reading() as session:
        rows = list(session.execute(select(OutboxMail)).scalars())
        session.expunge_all()
        return {row.recipient: row for row in rows}


def _arrived(server: SmtpServer) -> list[str]:
    return sorted(got.recipients[0] for got in server.received)


def test_queued_mail_arrives_with_its_recipient_subject_and_absolute_link(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    with clock.frozen_at(NOW):
        assert _queue(db, "ada", "ben@other.test") == 2
        delivered = send_job(JobContext(smtp.settings(settings), db))
    assert delivered == 2
    by_recipient = {tuple(got.recipients): got for got in smtp.received}
    assert set(by_recipient) == {(f"ada@{DOMAIN}",), ("ben@other.test",)}
    ada = by_recipient[(f"ada@{DOMAIN}",)].message
    assert ada["Subject"] == "Hello ada"
    assert ada["From"] == "callwarden@localhost"
    assert "https://callwarden.example.test/policy/versions/2" in ada.get_content()
    rows = _rows(db)
    assert all(row.sent_at is not None and row.next_attempt_at is None for row in rows.values())
    assert rows["ada"].attempts == 1


def test_a_dedupe_key_queues_once(db: Database, settings: Settings, smtp: SmtpServer) -> None:
    assert _queue(db, "ada") == 1
    assert _queue(db, "ada", "ben") == 1  # ada's is known: only ben's is new
    send_due(db, smtp.settings(settings))
    assert _queue(db, "ada") == 0  # sent already: still not queued again
    send_due(db, smtp.settings(settings))
    assert _arrived(smtp) == [f"ada@{DOMAIN}", f"ben@{DOMAIN}"]


def test_a_server_that_is_down_delays_mail_and_loses_none(db: Database, settings: Settings) -> None:
    server = SmtpServer()  # not started: the port refuses connections
    configured = server.settings(settings)
    with clock.frozen_at(NOW):
        _queue(db, "ada", "ben")
        first = send_due(db, configured)
        assert first.sent == [] and len(first.failed) == 2
        rows = _rows(db)
        assert {row.attempts for row in rows.values()} == {1}
        assert all(row.sent_at is None and row.last_error for row in rows.values())
        assert rows["ada"].next_attempt_at == NOW + timedelta(minutes=1)

        server.start()
        try:
            assert send_due(db, configured).sent == []  # backing off: not due yet
            clock.advance(timedelta(minutes=1))
            assert len(send_due(db, configured).sent) == 2
        finally:
            server.stop()
    assert _arrived(server) == [f"ada@{DOMAIN}", f"ben@{DOMAIN}"]
    assert all(row.sent_at is not None for row in _rows(db).values())


def test_the_wait_doubles_after_each_failure(db: Database, settings: Settings) -> None:
    configured = SmtpServer().settings(settings)  # never started
    with clock.frozen_at(NOW):
        _queue(db, "ada")
        for failures in range(1, 4):
            send_due(db, configured)
            row = _rows(db)["ada"]
            assert row.attempts == failures
            wait = timedelta(minutes=2 ** (failures - 1))
            assert row.next_attempt_at == clock.now() + wait
            clock.advance(wait)
    assert outbox.backoff(30) == timedelta(hours=6)


def test_a_refused_recipient_waits_and_the_rest_of_the_batch_is_sent(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    smtp.handler.refused.add(f"ben@{DOMAIN}")
    with clock.frozen_at(NOW):
        _queue(db, "ada", "ben", "cy")
        delivery = send_due(db, smtp.settings(settings))
    assert len(delivery.sent) == 2
    rows = _rows(db)
    assert rows["ben"].sent_at is None and "550" in (rows["ben"].last_error or "")
    assert rows["ada"].sent_at is not None and rows["cy"].sent_at is not None
    assert _arrived(smtp) == [f"ada@{DOMAIN}", f"cy@{DOMAIN}"]


def test_with_no_server_configured_mail_stays_queued(db: Database, settings: Settings) -> None:
    with clock.frozen_at(NOW):
        _queue(db, "ada")
        assert send_due(db, settings).sent == []
    row = _rows(db)["ada"]
    assert row.sent_at is None and "CALLWARDEN_SMTP_HOST" in (row.last_error or "")


def test_a_message_held_until_later_is_not_sent_before(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    held = outbox.Message(
        "later", "ada", "Soon", "It takes effect.", "test", not_before=NOW + timedelta(days=2)
    )
    with clock.frozen_at(NOW):
        with db.unit_of_work() as session:
            outbox.queue(session, [held])
        assert send_due(db, smtp.settings(settings)).sent == []
        clock.advance(timedelta(days=2))
        assert len(send_due(db, smtp.settings(settings)).sent) == 1


def test_starttls_asked_of_a_server_without_it_sends_nothing_in_plain(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    configured = smtp.settings(settings).model_copy(update={"smtp_tls": "starttls"})
    with clock.frozen_at(NOW):
        _queue(db, "ada")
        assert send_due(db, configured).sent == []
    assert smtp.received == []
    row = _rows(db)["ada"]
    assert row.sent_at is None and "STARTTLS" in (row.last_error or "").upper()


def test_the_sender_and_the_reminders_are_periodic_jobs(settings: Settings) -> None:
    found = jobs.registered()
    assert found["mail.send"].every is not None
    assert found["mail.send"].every(settings) == settings.mail_every_seconds
    assert found["training.reminders"].every is not None
