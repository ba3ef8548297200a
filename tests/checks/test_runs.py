"""Runs: a finding seen again is the same finding; a failing check fails alone; the lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from callwarden.checks import findings, registry, runs
from callwarden.checks.registry import Context, Evidence, Found, Period, Rule
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput
from callwarden.models import AuditEvent, CheckFinding, CheckRun
from tests.checks.conftest import AUDITOR, DAY, OFFICER, PERIOD
from tests.support import bulk

Seed = Callable[..., bulk.Row]


@pytest.fixture
def broken() -> Iterator[str]:
    """A check that breaks the database transaction and then raises, registered for one test."""

    def breaks(session: Session, period: Period, context: Context) -> Iterator[Found]:
        session.execute(text("SELECT * FROM no_such_table"))
        yield Found("never", "low", "never", Evidence(), Rule("never"))

    registry.check("zz_broken", "Broken", "Always fails.")(breaks)
    yield "zz_broken"
    registry._CHECKS.pop("zz_broken")


def _run(db: Database, settings: Settings, names: list[str], days: int = 2) -> CheckRun:
    with clock.frozen_at(DAY + timedelta(days=days)), db.unit_of_work() as session:
        run = runs.start(session, OFFICER, PERIOD, settings, names)
        session.expunge(run)
        return run


def test_a_finding_seen_in_two_runs_is_one_finding(
    db: Database, settings: Settings, seed: Seed
) -> None:
    overdue = seed(dispose_by=DAY - timedelta(days=3))
    first = _run(db, settings, ["retention"])
    second = _run(db, settings, ["retention"], days=3)
    with db.reading() as session:
        rows = session.scalars(select(CheckFinding)).all()
        assert [r.key for r in rows] == [f"overdue:{overdue.recording_id}"]
        assert rows[0].first_seen_run_id == first.id
        assert rows[0].last_seen_run_id == second.id
        assert rows[0].evidence["figures"]["days_over"] == 6  # updated by the later run
    assert first.counts == second.counts == {"high": 1}


def test_a_failing_check_is_recorded_and_the_others_still_run(
    db: Database, settings: Settings, seed: Seed, broken: str
) -> None:
    seed(dispose_by=DAY - timedelta(days=3))
    run = _run(db, settings, [broken, "retention"])
    assert set(run.errors) == {broken}
    assert "no_such_table" in run.errors[broken]
    assert run.counts == {"high": 1}
    assert run.finished_at is not None
    with db.reading() as session:
        assert session.scalar(select(CheckFinding.check_name)) == "retention"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "checks.run")).one()
        assert event.data["errors"] == run.errors


def test_lifecycle_moves_are_audited_and_refused_when_they_may_not_be_made(
    db: Database, settings: Settings, seed: Seed
) -> None:
    seed(dispose_by=DAY - timedelta(days=3))
    _run(db, settings, ["retention"])
    with db.reading() as session:
        finding_id = session.scalars(select(CheckFinding.id)).one()
    with db.unit_of_work() as session:
        with pytest.raises(Forbidden):
            findings.transition(session, AUDITOR, finding_id, "acknowledge", "looking")
        with pytest.raises(InvalidInput):
            findings.transition(session, OFFICER, finding_id, "acknowledge", "  ")
        with pytest.raises(InvalidInput):
            findings.transition(
                session, OFFICER, finding_id, "resolve", "done", clock.now() + timedelta(days=1)
            )
        row = findings.transition(session, OFFICER, finding_id, "acknowledge", "looking")
        assert row.status == "acknowledged"
        with pytest.raises(Conflict):
            findings.transition(session, OFFICER, finding_id, "acknowledge", "again")
        expires = clock.now() + timedelta(days=30)
        row = findings.transition(session, OFFICER, finding_id, "accept_risk", "vendor", expires)
        assert (row.status, row.status_by, row.risk_expires_at) == (
            "accepted_risk",
            OFFICER.actor,
            expires,
        )
    with db.reading() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"check_finding:{finding_id}")
        ).all()
    assert actions == ["finding.acknowledged", "finding.accepted_risk"]


def test_a_resolved_finding_seen_again_is_reopened(
    db: Database, settings: Settings, seed: Seed
) -> None:
    seed(dispose_by=DAY - timedelta(days=3))
    _run(db, settings, ["retention"])
    with db.unit_of_work() as session:
        finding_id = session.scalars(select(CheckFinding.id)).one()
        findings.transition(session, OFFICER, finding_id, "resolve", "sweep rerun")
    later = _run(db, settings, ["retention"], days=4)
    with db.reading() as session:
        row = session.get(CheckFinding, finding_id)
        assert row is not None and row.status == "open"
        assert later.id in (row.status_reason or "")
        assert session.scalar(
            select(AuditEvent.action).where(AuditEvent.target == f"check_finding:{finding_id}")
            .order_by(AuditEvent.seq.desc())
        ) == "finding.reopened"  # fmt: skip


def test_runs_refuse_unknown_checks_bad_periods_and_roles_without_the_right(
    db: Database, settings: Settings
) -> None:
    with db.unit_of_work() as session:
        with pytest.raises(InvalidInput, match="no check named nope"):
            runs.start(session, OFFICER, PERIOD, settings, ["nope"])
        with pytest.raises(InvalidInput):
            runs.start(session, OFFICER, Period(PERIOD.end, PERIOD.start), settings)
        with pytest.raises(Forbidden):
            runs.start(session, AUDITOR, PERIOD, settings)
    with db.reading() as session:
        assert session.scalar(select(CheckRun.id)) is None


def test_yesterday_is_the_whole_previous_utc_day() -> None:
    period = runs.yesterday(DAY + timedelta(hours=13, minutes=5))
    assert (period.start, period.end) == (DAY - timedelta(days=1), DAY)


def test_the_daily_job_checks_yesterday_as_the_system(
    db: Database, settings: Settings, seed: Seed
) -> None:
    from callwarden.checks.tasks import daily
    from callwarden.jobs import JobContext, registered

    seed(dispose_by=DAY - timedelta(days=3))
    assert "checks.daily" in registered()
    with clock.frozen_at(DAY + timedelta(days=1, hours=2)):
        run_id = daily(JobContext(settings, db))
    with db.reading() as session:
        run = session.get(CheckRun, run_id)
        assert run is not None
        assert (run.period_start, run.period_end) == (PERIOD.start, PERIOD.end)
        assert run.started_by == runs.SYSTEM
        assert set(run.checks) >= {"consent", "notice_audio", "retention", "secure_pause"}
        assert run.counts.get("high") == 1 and run.errors == {}


@pytest.fixture
def many() -> Iterator[str]:
    """A check that finds 30 things, each with evidence and a rule, registered for one test."""

    def finds(session: Session, period: Period, context: Context) -> Iterator[Found]:
        for k in range(30):
            yield Found(
                f"thing:{k}",
                "low",
                f"thing {k}",
                Evidence(calls=(f"call_{k}",), figures={"k": k}),
                Rule("a rule", "a citation", uncertain=True),
            )

    registry.check("zz_many", "Many", "Finds thirty.")(finds)
    yield "zz_many"
    registry._CHECKS.pop("zz_many")


def test_many_findings_are_stored_in_bulk_and_seen_again_in_bulk(
    db: Database, settings: Settings, many: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "BATCH", 7)  # several batches, a short last one
    monkeypatch.setattr(runs, "ANALYZE_AFTER", 10)  # PostgreSQL's statistics refreshed too
    first = _run(db, settings, [many])
    with db.unit_of_work() as session:  # a person resolves one
        row = session.scalars(select(CheckFinding).where(CheckFinding.key == "thing:3")).one()
        row.status = "resolved"
    second = _run(db, settings, [many], days=3)
    with db.reading() as session:
        rows = session.scalars(select(CheckFinding).order_by(CheckFinding.id)).all()
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["checks.run", "finding.reopened"]))
        ).all()
        assert [r.key for r in rows] == [f"thing:{k}" for k in range(30)]
        assert {r.first_seen_run_id for r in rows} == {first.id}
        assert {r.last_seen_run_id for r in rows} == {second.id}
        assert rows[5].evidence == {
            "calls": ["call_5"], "recordings": [], "events": [], "users": [], "holds": [],
            "figures": {"k": 5},
        }  # fmt: skip
        assert rows[5].rule == {"text": "a rule", "citation": "a citation", "uncertain": True}
        assert rows[3].status == "open" and rows[3].status_by == runs.SYSTEM
        opened, again = [e.data for e in events if e.action == "checks.run"]
        assert opened["opened"] == [r.id for r in rows] and opened["opened_count"] == 30
        assert again["opened"] == [] and again["opened_count"] == 0
        reopened = [e.target for e in events if e.action == "finding.reopened"]
        assert reopened == [f"check_finding:{rows[3].id}"]
