"""Training's mail, delivered to a real SMTP server on loopback: a policy version announced to
every person with a link to its page, and reminders before and after an assignment's due date,
each once, for what is still open."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.jobs import JobContext
from callwarden.kit import clock
from callwarden.mail.sending import send_due
from callwarden.models import OutboxMail
from callwarden.policy import service as policies
from callwarden.training import acknowledging, service
from callwarden.training.assigning import POLICY_WINDOW
from callwarden.training.mailing import REMIND_AFTER, REMIND_BEFORE, queue_reminders
from callwarden.training.tasks import reminders_job
from tests.support.smtp import DOMAIN, SmtpServer
from tests.training.conftest import EXAMPLE_COURSE, EXAMPLE_POLICY, START, Org, apply_policy

TYPO = EXAMPLE_POLICY.replace(
    "Quality assurance and coaching of agents.", "Quality assurance and the coaching of agents."
)
MATERIAL = EXAMPLE_POLICY.replace("notice_window_s: 15", "notice_window_s: 20")
PEOPLE = sorted(f"{name}@{DOMAIN}" for name in ("ada", "ben", "sue", "aud", "olga"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _kinds(org: Org) -> dict[str, list[str]]:
    """Kinds of mail queued, by recipient."""
    with org.db.reading() as session:
        found: dict[str, list[str]] = {}
        for recipient, kind in session.execute(select(OutboxMail.recipient, OutboxMail.kind)):
            found.setdefault(recipient, []).append(kind)
        return {name: sorted(kinds) for name, kinds in found.items()}


def test_a_policy_version_is_announced_to_every_person_with_a_link(
    org: Org, settings: Settings, smtp: SmtpServer
) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        send_due(org.db, smtp.settings(settings))
    assert sorted(got.recipients[0] for got in smtp.received) == PEOPLE  # not gone, not pbx
    message = smtp.received[0].message
    assert message["Subject"] == "Policy version 1 takes effect 2026-11-02 09:00 UTC"
    body = message.get_content()
    assert "https://callwarden.example.test/training/policy" in body
    assert (START + timedelta(days=30)).strftime("%Y-%m-%d") in body  # the acknowledgement due


def test_only_a_version_that_asks_for_acknowledgement_is_announced(org: Org) -> None:
    with clock.frozen_at(START):
        apply_policy(org.db)
        apply_policy(org.db, TYPO)  # version 2: not material, asks nobody, tells nobody
        apply_policy(org.db, MATERIAL)  # version 3
    with org.db.reading() as session:
        sent = set(session.execute(select(OutboxMail.subject, OutboxMail.link)).all())
    versions = sorted(subject.split()[2] for subject, _ in sent)
    assert versions == ["1", "3"] and {link for _, link in sent} == {"/training/policy"}
    assert _kinds(org)["ada"] == ["policy_announcement", "policy_announcement"]


def test_reminders_come_before_and_after_the_due_date_once_each_for_open_work(
    org: Org, settings: Settings, smtp: SmtpServer
) -> None:
    configured = smtp.settings(settings)
    with clock.frozen_at(START):
        apply_policy(org.db)
        with org.db.reading() as session:
            in_force = policies.get_version(session)
            sha = hashlib.sha256(acknowledging.staff_text(in_force).encode()).hexdigest()
        with org.db.unit_of_work() as session:
            acknowledging.acknowledge_policy(session, org.who("ada"), 1, sha)
        send_due(org.db, configured)  # the announcements
        smtp.received.clear()
        assert queue_reminders_now(org) == 0  # nothing is due within three days yet

        due = POLICY_WINDOW.add_to(START)
        clock.advance(due - START - REMIND_BEFORE + timedelta(hours=1))
        assert reminders_job(JobContext(configured, org.db)) == 4  # everyone but ada
        assert queue_reminders_now(org) == 0  # queued once, however often the job looks
        send_due(org.db, configured)
        assert sorted(got.recipients[0] for got in smtp.received) == [
            address for address in PEOPLE if not address.startswith("ada@")
        ]
        subject = smtp.received[0].message["Subject"]
        assert subject == (
            "Reminder: the acknowledgement of policy version 1 is due 2026-12-02 09:00 UTC"
        )

        smtp.received.clear()
        clock.advance(REMIND_BEFORE + REMIND_AFTER)
        assert queue_reminders_now(org) == 4
        send_due(org.db, configured)
    assert {got.message["Subject"] for got in smtp.received} == {
        "Overdue: the acknowledgement of policy version 1 was due 2026-12-02 09:00 UTC"
    }
    assert "ada" not in _kinds(org) or _kinds(org)["ada"] == ["policy_announcement"]


def test_a_course_reminder_names_the_course_and_links_to_training(org: Org) -> None:
    with clock.frozen_at(START):
        with org.db.unit_of_work() as session:
            published = service.publish_course(session, org.who("olga"), EXAMPLE_COURSE)
            title = published.version.title
        clock.advance(timedelta(days=28))
        assert queue_reminders_now(org) == published.assigned
    with org.db.reading() as session:
        kind, link, subject = session.execute(
            select(OutboxMail.kind, OutboxMail.link, OutboxMail.subject).where(
                OutboxMail.recipient == "ada"
            )
        ).one()
    assert kind == "reminder_before" and link == "/training/mine"
    assert title in subject


def queue_reminders_now(org: Org) -> int:
    with org.db.unit_of_work() as session:
        return queue_reminders(session)
