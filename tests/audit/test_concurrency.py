"""Concurrent writers in separate processes, each with its own engine and connections (like two
API workers, or a server and a job worker), never fork the chain: on SQLite and PostgreSQL.

Threads sharing one interpreter would share the engine's pool and could serialise in Python;
processes can only be kept in line by the database, which is what the chain relies on.
"""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.support.audit_writers import write_audit_events

WRITERS = 4
EVENTS_EACH = 20


def test_writers_in_separate_processes_keep_one_chain(db: Database) -> None:
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared with us
    start_together = spawn.Barrier(WRITERS)
    writers = [
        spawn.Process(target=write_audit_events, args=(db.url, worker, EVENTS_EACH, start_together))
        for worker in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=300)  # a bound against hanging, not a timing assertion
    assert [writer.exitcode for writer in writers] == [0] * WRITERS

    with db.unit_of_work() as session:
        report = audit.verify(session)
        total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        writers_seen = set(
            session.execute(select(AuditEvent.actor).where(AuditEvent.actor.like("worker:%")))
            .scalars()
            .all()
        )
    assert total == WRITERS * EVENTS_EACH
    assert writers_seen == {f"worker:{worker}" for worker in range(WRITERS)}
    assert report.ok, report.problem
    assert report.checked == WRITERS * EVENTS_EACH
