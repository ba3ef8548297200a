"""Disposal: destroy recordings for good (crypto-shredding), leaving a tombstone and its record.

One batch is one transaction (the caller's): the rows are locked, the holds judged once more for
exactly these rows, and for each one not held the data key is destroyed, the recording marked
"disposed", a `recording.disposed` audit event written and a `Disposal` row kept with that
event's chain position. So no committed state shows a disposed recording whose key still opens
it, nor a destroyed key without its record, nor a held recording touched. The sealed object is
deleted from the store only after that commit (`delete_objects`, in another short transaction):
a crash between the two leaves an unreadable object and a Disposal row saying it is still to
be deleted, which the next run finishes. Services take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import DataKey, Disposal, Recording, RetentionSweep
from callwarden.retention import coverage
from callwarden.vault.stores.base import BlobStore

MAX_RULE = 200
DELETERS = 8  # objects deleted at once
KINDS = ("schedule", "erasure", "case")
RuleFor = Callable[[Recording], str]


def schedule_rule(recording: Recording) -> str:
    """Which retention rule disposed of it, in words: its purposes, the rules and when due."""
    purposes = ", ".join(recording.purposes or []) or "none stated"
    rules = sorted(
        {rule["id"] for reason in recording.retention_reasons or [] for rule in reason["rules"]}
    )
    due = recording.disposal_due.date().isoformat() if recording.disposal_due else "unscheduled"
    text_ = f"retention: purpose {purposes}, due {due}"
    if rules:
        text_ += f" ({', '.join(rules)})"
    return text_[:MAX_RULE]


def open_sweep(
    session: Session, kind: str, actor: str, as_of: datetime, reference: str | None = None
) -> RetentionSweep:
    """A new sweep, audited: every disposal belongs to one, and each sweep gets a certificate."""
    if kind not in KINDS:
        raise ValueError(f"unknown sweep kind {kind!r}")
    sweep = RetentionSweep(
        id=new_id("sweep"),
        kind=kind,
        reference=reference,
        as_of=as_of,
        started_by=actor,
        started_at=clock.now(),
        finished_at=None,
        disposed_count=0,
    )
    session.add(sweep)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="retention.sweep_started",
        target=f"sweep:{sweep.id}",
        data={"kind": kind, "as_of": as_of.isoformat(), "reference": reference},
    )
    return sweep


def _lock_holds(session: Session) -> None:
    """On PostgreSQL, keep holds from being made or changed until this batch commits: a hold
    committed before now is seen by the check below; one made after waits for the commit.
    (SQLite's single writer already serialises the two.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE legal_holds IN SHARE MODE"))


def dispose(
    session: Session,
    recording_ids: Sequence[str],
    sweep: RetentionSweep,
    rule_for: RuleFor = schedule_rule,
) -> list[Disposal]:
    """Dispose of those of these recordings that are still stored and kept by no active hold.

    Held, already disposed and unknown ids are left as they are (not an error: a rerun, or a
    hold made since the plan). Returns the Disposal rows written, in id order."""
    if not recording_ids:
        return []
    _lock_holds(session)
    wanted = sorted(set(recording_ids))
    rows = list(
        session.execute(
            select(Recording)
            .where(Recording.id.in_(wanted), Recording.state == "stored")
            .order_by(Recording.id)
            .with_for_update()
        ).scalars()
    )
    held = coverage.held_among(session, [row.id for row in rows])
    chosen = [row for row in rows if row.id not in held]
    if not chosen:
        return []
    keys = {
        key.recording_id: key
        for key in session.execute(
            select(DataKey)
            .where(DataKey.recording_id.in_([row.id for row in chosen]))
            .with_for_update()
        ).scalars()
    }
    now = clock.now()
    rules = [rule_for(recording)[:MAX_RULE] for recording in chosen]
    for recording in chosen:
        key = keys.get(recording.id)
        if key is not None:
            key.wrapped = None
            key.destroyed_at = now
        recording.state = "disposed"
        recording.disposed_at = now
    events = audit.record_many(
        session,
        [
            audit.Event(
                actor=sweep.started_by,
                action="recording.disposed",
                target=f"recording:{recording.id}",
                reason=rule,
                data={
                    "sweep": sweep.id,
                    "rule": rule,
                    "sha256": recording.sha256,
                    "original_sha256": recording.original_sha256,
                },
            )
            for recording, rule in zip(chosen, rules, strict=True)
        ],
    )
    written = [
        Disposal(
            recording_id=recording.id,
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
            disposal_due=recording.disposal_due,
            disposed_at=now,
            audit_seq=event.seq,
            object_deleted_at=None,
        )
        for recording, rule, event in zip(chosen, rules, events, strict=True)
    ]
    session.add_all(written)
    sweep.disposed_count = (sweep.disposed_count or 0) + len(written)
    session.flush()
    return written


def objects_to_delete(
    session: Session, recording_ids: Sequence[str] | None = None, limit: int = 1000
) -> list[tuple[str, str]]:
    """(recording id, object key) of disposals whose sealed object is not yet deleted."""
    query = (
        select(Disposal.recording_id, Recording.object_key)
        .join(Recording, Recording.id == Disposal.recording_id)
        .where(Disposal.object_deleted_at.is_(None))
        .order_by(Disposal.recording_id)
        .limit(limit)
    )
    if recording_ids is not None:
        query = query.where(Disposal.recording_id.in_(list(recording_ids)))
    return [(row[0], row[1]) for row in session.execute(query).all()]


def delete_objects(
    session: Session,
    store: BlobStore,
    recording_ids: Sequence[str] | None = None,
    limit: int = 1000,
) -> int:
    """Delete the sealed objects of committed disposals (these, or up to `limit` of any left
    by an earlier run) and note when; call it after the disposal's commit. Deleting an object
    already gone is no error, so a run killed between the delete and this commit just repeats."""
    pending = objects_to_delete(session, recording_ids, limit)
    if pending:  # each delete waits on the disk or the network: several at once
        with ThreadPoolExecutor(max_workers=DELETERS) as pool:
            list(pool.map(store.delete, [object_key for _, object_key in pending]))
    if pending:
        now = clock.now()
        done = {recording_id for recording_id, _ in pending}
        for row in session.execute(
            select(Disposal).where(Disposal.recording_id.in_(sorted(done)))
        ).scalars():
            row.object_deleted_at = now
        session.flush()
    return len(pending)


def unfinished_sweeps(session: Session, kind: str | None = None) -> list[RetentionSweep]:
    """Sweeps never finished (no certificate yet): a run was killed, or is running."""
    query = select(RetentionSweep).where(RetentionSweep.finished_at.is_(None))
    if kind is not None:
        query = query.where(RetentionSweep.kind == kind)
    return list(session.execute(query.order_by(RetentionSweep.id)).scalars())


def close_empty(session: Session, sweep: RetentionSweep) -> None:
    """Finish a sweep that disposed of nothing: there is nothing to certify, so no certificate;
    the close is audited so the trail shows the run ended."""
    sweep.finished_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor=sweep.started_by,
        action="retention.sweep_finished",
        target=f"sweep:{sweep.id}",
        data={"disposed": 0, "certificate": None},
    )
