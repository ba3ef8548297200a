"""The demo month's training, as issue 15 is done when: the new policy version asked everyone in
its audience to acknowledge it, the overdue agent's calls carry the finding, the compliance
report shows the rates, a reminder reaches a real SMTP server when the jobs run, and the overdue
agent catches up in Chromium while the compliance officer's Training page watches.

The tests that change the month (mail sent, a quiz passed) do it on a copy (`copy_demo`): the
month is shared by every demo test of the session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.app import create_app
from callwarden.checks.registry import Period
from callwarden.demo import defects
from callwarden.demo.training import COURSE_ID, RETENTION_AFTER
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.jobs import JobContext
from callwarden.kit import clock
from callwarden.mail.tasks import send_job
from callwarden.models import (
    AuditEvent,
    Call,
    CheckFinding,
    CheckRun,
    PolicyVersion,
    Team,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
    User,
)
from callwarden.reports.gather import build
from callwarden.reports.json_form import as_json
from callwarden.reports.rendering import html_document
from callwarden.training.assigning import POLICY_WINDOW
from callwarden.training.course import CourseDocument
from callwarden.training.tasks import reminders_job
from tests.support.console import Console, follow_nav
from tests.support.demo_month import Demo, copy_demo
from tests.support.server import serving
from tests.support.smtp import DOMAIN, SmtpServer
from tests.web.training_data import right_answers

AUDITOR = Principal("user:auditor", Role.AUDITOR)
COURSE_TITLE = "Call recording at Northwind Mutual"


def _agent(month: Demo) -> str:
    (overdue,) = [
        item for item in defects.load(month.data_dir) if item.defect == "training_overdue"
    ]
    (username,) = overdue.users
    return username


class Person(NamedTuple):
    username: str
    role: str
    team: str | None


def _people(session: Session) -> dict[str, Person]:
    """The enabled people (no service identity, no integration), by id: every policy's
    audience, read from the users table."""
    query = (
        select(User.id, User.username, User.role, Team.name)
        .outerjoin(Team, Team.id == User.team_id)
        .where(
            User.disabled_at.is_(None),
            User.is_service.is_(False),
            User.role != Role.INTEGRATION.value,
        )
    )
    return {row[0]: Person(row[1], row[2], row[3]) for row in session.execute(query)}


def _course(session: Session) -> TrainingCourseVersion:
    return session.scalars(
        select(TrainingCourseVersion).where(TrainingCourseVersion.course == COURSE_ID)
    ).one()


def test_the_new_policy_version_asked_every_person_in_its_audience_to_acknowledge_it(
    month: Demo,
) -> None:
    with month.db.reading() as session:
        newest = session.scalars(select(PolicyVersion).order_by(PolicyVersion.version.desc()))
        latest = newest.first()
        assert latest is not None and RETENTION_AFTER in latest.document
        people = _people(session)
        asked = session.scalars(
            select(TrainingAssignment).where(
                TrainingAssignment.subject == f"policy:{latest.version}"
            )
        ).all()
        (applied,) = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "policy.applied",
                AuditEvent.target == f"policy:{latest.version}",
            )
        ).all()
        first_call = session.scalars(select(Call.started_at).order_by(Call.started_at)).first()
        assert first_call is not None
        applied_mid_month = clock.as_utc(first_call) < clock.as_utc(latest.effective_from)
        assert (
            latest.version >= 3 and applied_mid_month
        )  # the version of the month's start before it
        assert sorted(row.user_id for row in asked) == sorted(people) and len(people) >= 10
        due = POLICY_WINDOW.add_to(clock.as_utc(latest.effective_from))
        assert {(row.reason, clock.as_utc(row.due_at), row.round) for row in asked} == {
            ("published", due, 1)
        }
        asked_for = applied.data["acknowledgements"]
        assert asked_for["material"] is True and "retention" in asked_for["areas"]
        assert asked_for["assigned"] == len(people)
        # every person but the overdue agent acknowledged it by the month's end
        agent = _agent(month)
        open_ = [people[row.user_id].username for row in asked if row.completed_at is None]
        assert open_ == [agent]


def test_the_overdue_agent_s_calls_after_the_due_date_carry_the_finding(month: Demo) -> None:
    agent = _agent(month)
    with month.db.reading() as session:
        course = _course(session)
        people = _people(session)
        mine = {person.username: user_id for user_id, person in people.items()}
        taken = session.scalars(
            select(TrainingAssignment).where(TrainingAssignment.subject == f"course:{course.id}")
        ).all()
        (late,) = [row for row in taken if row.user_id == mine[agent]]
        due = clock.as_utc(late.due_at)
        calls = session.execute(select(Call.id, Call.started_at, Call.agent_user_id)).all()
        found = session.scalars(
            select(CheckFinding).where(CheckFinding.check_name == "training")
        ).all()
        passed = session.scalars(
            select(TrainingAttempt.assignment_id).where(TrainingAttempt.passed)
        ).all()
        audience = CourseDocument.model_validate(course.document).audience.roles
        assert late.completed_at is None and due < clock.now()
        assert (
            clock.as_utc(course.published_at) + timedelta(days=1) == due
        )  # a 3-day month's window
        # everyone else in the course's audience passed its quiz before the due date
        others = [row for row in taken if row.user_id != mine[agent]]
        in_audience = {user_id for user_id, user in people.items() if user.role in audience}
        assert {row.user_id for row in taken} == in_audience and len(others) >= 8
        assert all(row.completed_at is not None and clock.as_utc(row.completed_at) < due
                   for row in others)  # fmt: skip
        assert {row.id for row in others} <= set(passed) and late.id not in passed
        late_calls = {(c.id, c.agent_user_id) for c in calls if clock.as_utc(c.started_at) >= due}
        after = {call_id for call_id, handler in late_calls if handler == mine[agent]}
        # the agent handled calls after the due date; so did colleagues who were current
        assert after and len(late_calls) > len(after)
        on_calls = {f.key.removeprefix("call:"): f for f in found if f.key.startswith("call:")}
        assert set(on_calls) == after  # every call of theirs after it, none of another
        for call_id, finding in on_calls.items():
            assert finding.evidence["calls"] == [call_id] and finding.evidence["users"] == [agent]
            assert call_id in finding.summary and finding.status == "open"
        (person,) = [f for f in found if f.key.startswith("overdue:")]  # only the agent is overdue
        assert person.evidence["users"] == [agent]
        assert person.evidence["figures"]["subject"] == f"course:{course.id}"


def test_the_compliance_report_shows_the_training_rates(month: Demo) -> None:
    agent = _agent(month)
    with month.db.reading() as session:
        run = session.scalars(select(CheckRun)).one()
        report = build(session, AUDITOR, Period(run.period_start, run.period_end), month.settings)
        people = _people(session)
        latest = max(session.scalars(select(PolicyVersion.version)))
        course = _course(session)
        roles = CourseDocument.model_validate(course.document).audience.roles
    in_course = sum(user.role in roles for user in people.values())
    (section,) = [part for part in report.sections if part.key == "training"]
    rows = {(row[0], row[1]): row for row in section.rows}
    name = f"{COURSE_TITLE} (version 1)"
    course_row = rows[(name, "all teams")]
    rate = f"{(in_course - 1) / in_course * 100:.1f}%"
    assert course_row == (name, "all teams", str(in_course), str(in_course - 1), rate, "1", "100.0")
    (agent_team,) = [person.team for person in people.values() if person.username == agent]
    assert agent_team is not None
    team_row = rows[(name, agent_team)]
    assert team_row[5] == "1" and team_row[4] != "100.0%"
    policy = f"Policy version {latest} acknowledgement"
    everyone = len(people)
    assert rows[(policy, "all teams")][2:6] == (
        str(everyone), str(everyone - 1), f"{(everyone - 1) / everyone * 100:.1f}%", "0"
    )  # fmt: skip
    assert "1 are overdue" in section.summary
    data = as_json(report)
    (shown,) = [part for part in data["sections"] if part["key"] == "training"]
    assert list(course_row) in shown["rows"]
    page = html_document(report)
    assert "Training and acknowledgements" in page
    assert "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in course_row) + "</tr>" in page


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_a_reminder_reaches_the_smtp_server_when_the_jobs_run(
    month: Demo, tmp_path: Path, smtp: SmtpServer
) -> None:
    copied = copy_demo(month, tmp_path / "var")
    agent = _agent(month)
    context = JobContext(smtp.settings(copied.settings), copied.db)
    try:
        assert reminders_job(context) == 1  # the overdue course; the rest is done or not due
        assert reminders_job(context) == 0  # once
        sent = send_job(context)
    finally:
        copied.db.dispose()
    reminders = [r for r in smtp.received if r.message["Subject"].startswith("Overdue:")]
    assert sent == len(smtp.received) and len(reminders) == 1
    (reminder,) = reminders
    assert reminder.recipients == [f"{agent}@{DOMAIN}"]
    assert f"the course {COURSE_TITLE!r}" in reminder.message["Subject"]
    assert "https://callwarden.example.test/training/mine" in reminder.message.get_content()
    # the month's policy versions were announced to every person too, now that they apply
    announced = [r for r in smtp.received if "takes effect" in r.message["Subject"]]
    assert any(r.recipients == [f"{agent}@{DOMAIN}"] for r in announced)


@pytest.mark.browser
def test_the_overdue_agent_catches_up_in_the_browser_and_the_officer_sees_it(
    month: Demo, tmp_path: Path, browser: Browser
) -> None:
    copied = copy_demo(month, tmp_path / "var")
    agent = _agent(month)
    passwords = month.passwords()
    _role, team, password = passwords[agent]
    with copied.db.reading() as session:
        latest = max(session.scalars(select(PolicyVersion.version)))
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    try:
        with serving(create_app(copied.settings, copied.db, run_jobs=False)) as base:
            page = context.new_page()
            page.set_default_timeout(15_000)
            console = Console(base, page)
            console.sign_in(agent, password)
            follow_nav(page, "My training")
            assert page.locator("table.training-mine").get_by_text("overdue").count() == 1
            console.shot("demo_training_mine_overdue")
            page.get_by_role("link", name=f"{COURSE_TITLE} (version 1)").click()
            assert page.get_by_role("heading", name="Why calls are recorded").is_visible()
            for field, chosen in right_answers().items():
                for option in chosen:
                    page.locator(f'input[name="{field}"][value="{option}"]').check()
            page.get_by_role("button", name="Submit my answers").click()
            assert page.get_by_text("Passed.").is_visible()
            console.shot("demo_training_passed")

            follow_nav(page, "My training")
            page.get_by_role("link", name=f"The call recording policy, version {latest}").click()
            changed = "Recordings kept for quality may now be kept for at most 1 year"
            assert page.get_by_text(changed).is_visible()  # what changed, in plain words
            console.shot("demo_training_policy")
            page.get_by_role("button", name="I have read and understood this policy").click()
            assert page.get_by_text("your acknowledgement of the policy is recorded").is_visible()
            assert page.locator("table.training-mine").get_by_text("overdue").count() == 0
            console.shot("demo_training_caught_up")

            context.clear_cookies()
            console.sign_in("compliance", passwords["compliance"][2])
            follow_nav(page, "Training")
            rates = page.locator("table.training-rates")
            for subject in (f"{COURSE_TITLE} (v1)", f"Policy version {latest} (acknowledgement)"):
                row = rates.locator("tr", has_text=subject).filter(
                    has=page.get_by_role("cell", name=team, exact=True)
                )
                assert row.get_by_role("cell", name="100.0%").is_visible(), subject
            console.shot("demo_training_records")
            export = page.request.get(base + "/training/records.csv").text()
    finally:
        context.close()
        copied.db.dispose()
    mine = [line for line in export.splitlines() if line.startswith(f"{agent},")]
    assert mine and all(",completed," in line for line in mine)
