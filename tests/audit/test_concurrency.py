"""Concurrent writers (threads with their own connections, like two API workers) never fork the chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.models import AuditEvent

WRITERS = 6
EVENTS_EACH = 20


def test_parallel_writers_keep_one_chain(db: Database) -> None:
    writer_db = Database(db.url, pool_size=WRITERS + 2) if not db.is_sqlite else Database(db.url)

    def write(worker: int) -> None:
        for number in range(EVENTS_EACH):
            with writer_db.unit_of_work() as session:
                audit.record(
                    session, actor=f"worker:{worker}", action="test.write", target=f"n:{number}"
                )

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(write, range(WRITERS)))
    finally:
        writer_db.dispose()

    with db.unit_of_work() as session:
        report = audit.verify(session)
        total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert total == WRITERS * EVENTS_EACH
    assert report.ok, report.problem
    assert report.checked == WRITERS * EVENTS_EACH
