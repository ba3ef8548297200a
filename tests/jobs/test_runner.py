"""The job runner: registration, schedules, failures, start and stop, and the app's lifespan."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden import jobs
from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext, Retry, RetryLater, Runner, claim, periodic, registered, task
from callwarden.jobs_api import jobs_view
from callwarden.kit.errors import InvalidInput
from callwarden.models import User
from callwarden.vault.keyring import Keyring
from tests.support.factories import bearer, make_token, make_user


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Test jobs in a copy of the registry, gone after the test; returns what ran."""
    monkeypatch.setattr(jobs, "_registry", dict(registered()))
    ran: dict[str, list[str]] = {"ticker": [], "broken": []}

    @periodic("tests.ticker", every=lambda settings: 3600.0)
    def ticker(context: JobContext) -> int:
        """Counts its runs."""
        ran["ticker"].append("ran")
        return len(ran["ticker"])

    @periodic("tests.broken", every=lambda settings: 3600.0)
    def broken(context: JobContext) -> None:
        ran["broken"].append("ran")
        raise RuntimeError("a bug in a job")

    return ran


def test_the_built_in_jobs_are_registered() -> None:
    assert {"twilio.fetch_recordings", "twilio.fetch_recording", "vault.sweep_orphans"} <= set(
        registered()
    )
    assert registered()["twilio.fetch_recording"].every is None  # deferred by the scan


def test_a_name_is_registered_once(own_registry: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match="already registered"):

        @periodic("tests.ticker", every=lambda settings: 1.0)
        def impostor(context: JobContext) -> None:
            pass


def test_jobs_run_when_due_and_a_failure_stops_nothing(
    own_registry: dict[str, list[str]], settings: Settings, db: Database
) -> None:
    runner = Runner(settings, db, only=["tests.broken", "tests.ticker"])
    first = {run.name: run for run in runner.run_due()}
    assert isinstance(first["tests.broken"].error, RuntimeError)
    assert first["tests.ticker"].result == 1 and first["tests.ticker"].error is None
    assert runner.run_due() == []  # neither is due again for an hour
    assert [run.result for run in runner.run_once()] == [None, 2]
    with pytest.raises(InvalidInput, match="unknown job"):
        Runner(settings, db, only=["tests.nope"])


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_runs_page_newest_first(
    own_registry: dict[str, list[str]], settings: Settings, db: Database
) -> None:
    runner = Runner(settings, db, only=["tests.ticker"])
    for _ in range(5):
        runner.run_job(runner.jobs[0])
    pages, cursor = [], None
    while True:
        view = jobs_view(settings, db, runner, cursor, 2)
        pages.append([run.attempts for run in view.runs.items])
        if view.runs.next_cursor is None:
            break
        cursor = view.runs.next_cursor
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [run.number for run in runner.history] == [1, 2, 3, 4, 5]
    with pytest.raises(InvalidInput, match="cursor"):
        jobs_view(settings, db, runner, "bm9wZQ", 2)


def test_the_runner_thread_starts_and_stops_promptly(
    own_registry: dict[str, list[str]],
    settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = threading.Event()
    slept_through: list[bool] = []

    @periodic("tests.sleeper", every=lambda settings: 3600.0)
    def sleeper(context: JobContext) -> bool:
        started.set()
        slept_through.append(context.sleep(60))  # a long backoff: stop must cut it short
        return True

    runner = Runner(settings, db, only=["tests.ticker", "tests.sleeper"], tick=0.01)
    runner.start()
    assert started.wait(5) and runner.running
    assert runner.stop(timeout=5)  # a bound against hanging; the sleep alone would take 60 s
    assert slept_through == [False] and not runner.running
    assert own_registry["ticker"] == []  # runs in name order; nothing starts once stopping


def test_the_app_runs_jobs_only_when_asked(settings: Settings, db: Database) -> None:
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    quiet = create_app(settings, db)
    with TestClient(quiet):
        assert not hasattr(quiet.state, "job_runner")
    embedded = create_app(settings, db, run_jobs=True)
    with TestClient(embedded) as client:
        runner: Runner = embedded.state.job_runner
        assert runner.running and client.get("/healthz").status_code == 200
        for _ in range(3000):  # until its first run is in the history
            if runner.history:
                break
            time.sleep(0.01)
        assert runner.stop(timeout=30)
        shown = client.get("/v1/jobs", headers=bearer(make_token(db, "admin")))
        assert shown.status_code == 200, shown.text
        view = shown.json()
        runs = view["runs"]["items"]
        assert view["backend"] == "inprocess" and runs
        assert {run["name"] for run in runs} <= {job["name"] for job in view["jobs"]}
        assert {run["status"] for run in runs} == {"succeeded"}
    assert not runner.running
    switched_off = create_app(
        settings.model_copy(update={"jobs_in_process": False}), db, run_jobs=True
    )
    with TestClient(switched_off):
        assert not hasattr(switched_off.state, "job_runner")


def test_a_claimed_row_is_not_handed_to_another_worker(db: Database) -> None:
    make_user(db, "agent", "first")
    make_user(db, "agent", "second")
    query = select(User).where(User.role == "agent").order_by(User.username)
    later: list[str] = []

    def claim_later() -> None:
        with claim(db, query) as theirs:
            later.append(theirs.row.username if theirs else "none")

    other = threading.Thread(target=claim_later)
    with claim(db, query) as mine:
        assert mine is not None and mine.row.username == "first"
        if db.is_sqlite:  # one runner per SQLite database: another claim waits its turn
            other.start()
            other.join(0.3)
            assert other.is_alive() and later == []
        else:  # PostgreSQL workers skip the locked row and take the next
            with claim(db, query) as theirs:
                assert theirs is not None and theirs.row.username == "second"
        mine.finish(lambda session, user: setattr(user, "display_name", "claimed"))
    if db.is_sqlite:
        other.join(5)
        assert later == ["first"]
    with db.reading() as session:
        shown = session.execute(select(User.display_name).where(User.username == "first"))
        assert shown.scalar_one() == "claimed"


def test_deferred_jobs_run_once_per_key_and_failures_are_retried_with_backoff(
    own_registry: dict[str, list[str]], settings: Settings, db: Database
) -> None:
    tries: dict[str, int] = {}

    @task("tests.flaky", retry=Retry(attempts=3, base_s=0.0))
    def flaky(context: JobContext, item: str) -> str:
        """Fails the first time for each item, and always for "doomed"."""
        tries[item] = tries.get(item, 0) + 1
        if item == "doomed" or tries[item] == 1:
            raise RetryLater(f"{item} not yet", after_s=0.0 if item != "later" else 3600.0)
        return item

    @periodic("tests.feeder", every=lambda settings: 3600.0)
    def feeder(context: JobContext) -> int:
        """Defers one job per item; a second deferral of a waiting key is refused."""
        items = ["a", "a", "doomed", "later"]
        return sum(context.defer("tests.flaky", key=f"item:{item}", item=item) for item in items)

    runner = Runner(settings, db, only=["tests.feeder"])
    runs = runner.run_once(wait_s=1.0)
    assert runs[0].result == 3  # "a" was queued once
    outcomes = [(run.name, run.status, run.attempt) for run in runs[1:]]
    assert outcomes == [
        ("tests.flaky", "retrying", 1),  # a
        ("tests.flaky", "retrying", 1),  # doomed
        ("tests.flaky", "retrying", 1),  # later: its retry is an hour away, left queued
        ("tests.flaky", "succeeded", 2),  # a
        ("tests.flaky", "retrying", 2),  # doomed
        ("tests.flaky", "failed", 3),  # doomed: three tries in all
    ]
    assert tries == {"a": 2, "doomed": 3, "later": 1}
    assert [run.status for run in runner.history][-1] == "failed"
    with pytest.raises(RuntimeError, match="no job backend"):
        JobContext(settings, db).defer("tests.flaky", item="x")
