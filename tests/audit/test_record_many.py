"""`record_many` appends a batch exactly as `record` would one by one: consecutive positions,
each linked to the one before, and the whole chain still verifies."""

from __future__ import annotations

from sqlalchemy import select

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.models import AuditEvent


def test_a_batch_links_into_the_chain_and_verifies(db: Database) -> None:
    with db.unit_of_work() as session:
        first = audit.record(session, actor="a", action="x.one", target="t:1")
        batch = audit.record_many(
            session,
            [audit.Event("a", "x.many", f"t:{n}", reason="why", data={"n": n}) for n in range(3)],
        )
        last = audit.record(session, actor="a", action="x.last", target="t:9")
    assert [r.seq for r in batch] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert last.seq == first.seq + 4
    with db.reading() as session:
        rows = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
        assert [row.data for row in rows if row.action == "x.many"] == [{"n": n} for n in range(3)]
        assert audit.verify(session).ok
    with db.unit_of_work() as session:
        assert audit.record_many(session, []) == []
