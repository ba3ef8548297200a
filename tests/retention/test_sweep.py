"""The retention sweep over bulk recordings (tiny objects, filesystem store), SQLite and
PostgreSQL: it takes exactly what is due and unheld, a dry run changes nothing, nothing due
opens no sweep, what a stopped run left is finished first, and one sweep runs at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext, registered
from callwarden.kit import clock
from callwarden.models import Recording, RetentionSweep
from callwarden.retention import disposal, planning
from callwarden.retention.sweeping import SweepRunning, exclusive, sweep
from callwarden.retention.tasks import sweep_job
from tests.retention.sweeping import (
    AS_OF,
    check_invariants,
    expected_disposed,
    populate,
    with_vault,
)

COUNT = 120


@pytest.fixture
def vaulted(settings: Settings) -> Settings:
    return with_vault(settings)


def test_a_sweep_disposes_of_exactly_what_is_due_and_unheld_in_batches(
    db: Database, vaulted: Settings
) -> None:
    populate(db, vaulted, COUNT)
    seen: list[tuple[int, int]] = []
    summary = sweep(db, vaulted, AS_OF, batch=25, progress=lambda d, t: seen.append((d, t)))
    expected = expected_disposed(COUNT)
    assert summary.disposed == len(expected) == summary.objects_deleted
    assert summary.sweep_id is not None and summary.held > 0
    assert seen[-1] == (len(expected), len(expected)) and len(seen) == -(-len(expected) // 25)
    assert check_invariants(db, vaulted, finished=True) == expected
    again = sweep(db, vaulted, AS_OF)
    assert again.sweep_id is None and again.disposed == 0  # a rerun: nothing, no certificate
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(RetentionSweep)).scalar_one() == 1


def test_a_dry_run_counts_and_changes_nothing(db: Database, vaulted: Settings) -> None:
    populate(db, vaulted, 40)
    summary = sweep(db, vaulted, AS_OF, dry_run=True)
    assert summary.due == len(expected_disposed(40)) and summary.held > 0
    assert summary.sweep_id is None and summary.disposed == 0
    with db.reading() as session:
        assert (
            session.execute(select(func.count()).where(Recording.state == "disposed")).scalar_one()
            == 0
        )


def test_nothing_due_opens_no_sweep_and_writes_no_certificate(
    db: Database, vaulted: Settings
) -> None:
    populate(db, vaulted, 12)
    summary = sweep(db, vaulted, AS_OF.replace(year=2020))
    assert summary.sweep_id is None and summary.due == 0
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(RetentionSweep)).scalar_one() == 0


def test_what_a_stopped_run_left_is_finished_first(db: Database, vaulted: Settings) -> None:
    populate(db, vaulted, 40)
    with db.unit_of_work() as session:  # a run killed after its first batch committed
        stopped = disposal.open_sweep(session, "schedule", "system:test", AS_OF)
        first = planning.due_and_unheld(session, AS_OF, 5)
        disposal.dispose(session, first, stopped)
        stopped_id = stopped.id
    with db.unit_of_work() as session:  # and one killed before it disposed of anything
        empty_id = disposal.open_sweep(session, "schedule", "system:test", AS_OF).id
    check_invariants(db, vaulted, finished=False)
    summary = sweep(db, vaulted, AS_OF)
    assert summary.finished == sorted([stopped_id, empty_id])
    assert summary.disposed == len(expected_disposed(40)) - 5
    assert check_invariants(db, vaulted, finished=True) == expected_disposed(40)
    with db.reading() as session:
        empty = session.get(RetentionSweep, empty_id)
        assert empty is not None and empty.certificate is None and empty.finished_at is not None


def test_one_sweep_at_a_time(db: Database, vaulted: Settings) -> None:
    with exclusive(db, vaulted), pytest.raises(SweepRunning):
        sweep(db, vaulted, clock.now())
    assert sweep(db, vaulted, clock.now()).sweep_id is None  # released again


def test_a_large_run_certifies_in_several_sweeps(db: Database, vaulted: Settings) -> None:
    populate(db, vaulted, COUNT)
    summary = sweep(db, vaulted, AS_OF, batch=10, per_sweep=20)
    expected = expected_disposed(COUNT)
    assert (
        len(summary.sweep_ids) == -(-len(expected) // 20)
        and summary.sweep_id == summary.sweep_ids[0]
    )
    assert check_invariants(db, vaulted, finished=True) == expected  # each one verifies


def test_the_daily_job_sweeps_and_steps_aside_for_a_running_sweep(
    db: Database, vaulted: Settings
) -> None:
    populate(db, vaulted, 24)
    job = registered()["retention.sweep"]
    assert job.every is not None and job.every(vaulted) == 24 * 3600
    with exclusive(db, vaulted):
        assert sweep_job(JobContext(vaulted, db)) == 0  # skipped, not failed
    with clock.frozen_at(AS_OF):
        assert sweep_job(JobContext(vaulted, db)) == len(expected_disposed(24))
    check_invariants(db, vaulted, finished=True)


def test_the_command_says_what_it_did(db: Database, vaulted: Settings) -> None:
    populate(db, vaulted, 24)
    env = {"CALLWARDEN_DATA_DIR": str(vaulted.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    due = len(expected_disposed(24))
    dry = runner.invoke(cli, ["retention", "sweep", "--as-of", "2026-06-01", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert f"{due} recording(s) would be disposed of" in " ".join(dry.output.split())
    bad = runner.invoke(cli, ["retention", "sweep", "--as-of", "June"], env=env)
    assert bad.exit_code == 1 and "not a date" in bad.output
    done = runner.invoke(
        cli, ["retention", "sweep", "--as-of", "2026-06-01", "--batch", "5"], env=env
    )
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert f"{due} recording(s) disposed of" in said and "retention certificate show" in said
    again = runner.invoke(cli, ["retention", "sweep", "--as-of", "2026-06-01"], env=env)
    assert "nothing due" in again.output and "no certificate" in again.output
