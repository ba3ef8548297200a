"""A writer of audit events for a process of its own, as another API worker or job runner is.

It lives in an importable module (not in a test file) because a spawned process imports the
function it runs by name.
"""

from __future__ import annotations

from multiprocessing.synchronize import Barrier

from callwarden.audit import service as audit
from callwarden.db import Database


def write_audit_events(url: str, worker: int, count: int, start_together: Barrier) -> None:
    """Append `count` events through an engine of this process's own, one transaction each,
    starting when every writer is ready so that their appends overlap."""
    db = Database(url)
    try:
        start_together.wait(timeout=120)  # a bound against hanging if a writer failed to start
        for number in range(count):
            with db.unit_of_work() as session:
                audit.record(
                    session, actor=f"worker:{worker}", action="test.write", target=f"n:{number}"
                )
    finally:
        db.dispose()
