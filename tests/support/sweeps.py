"""Disposal sweeps built directly in the tables, for the certificate's tests.

The disposal engine writes these rows in real life; here a sweep gets one `Disposal` row per
recording and a real `recording.disposed` audit event for each (through `audit.record`), so a
certificate ties to a real chain position and hash. `clone_recordings` copies one recording's
row to make thousands cheaply (their objects are not needed: nothing here opens them).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import Disposal, Recording, RetentionSweep


def clone_recordings(db: Database, recording_id: str, count: int) -> list[str]:
    """`count` more recording rows like `recording_id` (same call), each with its own id and
    hashes; their ids."""
    with db.unit_of_work() as session:
        original = session.execute(
            select(Recording).where(Recording.id == recording_id)
        ).scalar_one()
        columns = {c.key: getattr(original, c.key) for c in Recording.__table__.columns}
        rows = []
        for number in range(count):
            rid = f"rec_clone{number:07d}{recording_id[-6:]}"
            rows.append(
                {
                    **columns,
                    "id": rid,
                    "object_key": f"{columns['object_key']}.{number}",
                    "idempotency_key": f"clone-{number}",
                    "sha256": f"{number:064x}",
                    "original_sha256": f"{number + 1:064x}",
                    "size": 1000 + number,
                    "original_size": 2000 + number,
                }
            )
        for start in range(0, len(rows), 500):
            session.execute(insert(Recording), rows[start : start + 500])
    return [row["id"] for row in rows]


def make_sweep(
    db: Database,
    recording_ids: list[str],
    *,
    kind: str = "schedule",
    reference: str | None = None,
    rule: str = "retention: quality (6 months)",
) -> str:
    """A sweep that disposed of these recordings (rows and audit events only); its id."""
    now = clock.now()
    with db.unit_of_work() as session:
        sweep = RetentionSweep(
            id=new_id("swp"),
            kind=kind,
            reference=reference,
            as_of=now,
            started_by="sweeper",
            started_at=now,
            disposed_count=0,
        )
        session.add(sweep)
        session.flush()
        for number, rid in enumerate(recording_ids):
            recording = session.get(Recording, rid)
            assert recording is not None
            recorded = audit.record(
                session,
                actor="sweeper",
                action="recording.disposed",
                target=f"recording:{rid}",
                data={"sweep_id": sweep.id, "rule": rule},
            )
            session.add(
                Disposal(
                    recording_id=rid,
                    sweep_id=sweep.id,
                    call_id=recording.call_id,
                    rule=rule,
                    original_sha256=recording.original_sha256,
                    original_size=recording.original_size,
                    sha256=recording.sha256,
                    size=recording.size,
                    started_at=recording.started_at,
                    retain_until=recording.retain_until,
                    dispose_by=recording.dispose_by,
                    disposal_due=recording.disposal_due or now - timedelta(days=1),
                    disposed_at=now + timedelta(microseconds=number),
                    audit_seq=recorded.seq,
                )
            )
        return sweep.id
