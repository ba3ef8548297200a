"""The version in force is remembered briefly, never past a change this process or time makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import PolicyVersion
from callwarden.policy import service
from tests.support.policies import EXAMPLE_TEXT

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CHANGED = EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.5")


def in_force(db: Database) -> int:
    with db.reading() as session:
        return service.active_compiled(session).version


def store_from_another_process(db: Database, effective_from: datetime) -> None:
    """Write version 2 the way another process would: no call into this process's service."""
    other = Database(db.url)
    try:
        with other.unit_of_work() as session:
            first = session.get(PolicyVersion, 1)
            assert first is not None
            session.add(
                PolicyVersion(
                    version=2,
                    content_hash="f" * 64,
                    source_name="elsewhere.yaml",
                    document=CHANGED,
                    parsed=first.parsed,
                    warnings=[],
                    law_version=first.law_version,
                    applied_by="user:other",
                    applied_at=effective_from,
                    effective_from=effective_from,
                )
            )
    finally:
        other.dispose()


def test_an_apply_in_this_process_is_seen_by_the_next_decision(db: Database) -> None:
    with clock.frozen_at(START):
        with db.unit_of_work() as session:
            service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
        assert in_force(db) == 1
        with db.unit_of_work() as session:
            service.apply(session, SYSTEM, CHANGED, "v2.yaml")
        assert in_force(db) == 2


def test_an_apply_elsewhere_is_seen_within_a_second(db: Database) -> None:
    with clock.frozen_at(START):
        with db.unit_of_work() as session:
            service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
        assert in_force(db) == 1
        store_from_another_process(db, START)
        assert in_force(db) == 1  # remembered: this process has not looked again yet
        clock.advance(timedelta(seconds=1))
        assert in_force(db) == 2


def test_a_future_version_takes_over_at_its_moment_not_a_second_later(db: Database) -> None:
    switch = START + timedelta(milliseconds=300)
    with clock.frozen_at(START):
        with db.unit_of_work() as session:
            service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
            service.apply(session, SYSTEM, CHANGED, "v2.yaml", effective_from=switch)
        assert in_force(db) == 1
        clock.advance(timedelta(milliseconds=299))
        assert in_force(db) == 1
        clock.advance(timedelta(milliseconds=1))
        assert in_force(db) == 2


def test_a_clock_moved_back_reads_again(db: Database) -> None:
    with clock.frozen_at(START - timedelta(hours=1)), db.unit_of_work() as session:
        service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
        service.apply(session, SYSTEM, CHANGED, "v2.yaml", effective_from=START)
    with clock.frozen_at(START):
        assert in_force(db) == 2
    with clock.frozen_at(START - timedelta(milliseconds=1)):
        assert in_force(db) == 1


def test_a_version_seen_inside_a_rolled_back_apply_is_not_remembered(db: Database) -> None:
    with clock.frozen_at(START):
        with db.unit_of_work() as session:
            service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
        try:
            with db.unit_of_work() as session:
                service.apply(session, SYSTEM, CHANGED, "v2.yaml")
                assert service.active_compiled(session).version == 2  # seen inside, uncommitted
                raise RuntimeError("the apply is abandoned")
        except RuntimeError:
            pass
        assert in_force(db) == 1
