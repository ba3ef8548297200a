"""All SQL about disposal sweeps as the certificate and the readers see them.

The disposal engine writes the sweeps and their disposal rows; these queries read them back: a
page of sweeps, one sweep, its disposals (with the hash of the audit event recording each, so
the certificate can tie every disposal to the chain) in one streaming pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import AuditEvent, Disposal, RetentionSweep

# Newest sweep first: what a compliance officer looks for is the last run.
SWEEPS = Keyset("sweeps", (RetentionSweep.started_at, RetentionSweep.id), descending=True)
DISPOSALS = Keyset("disposals", (Disposal.disposed_at, Disposal.recording_id))


def get(session: Session, sweep_id: str) -> RetentionSweep | None:
    return session.get(RetentionSweep, sweep_id)


def locked(session: Session, sweep_id: str) -> RetentionSweep | None:
    """The sweep, its row locked until the transaction ends (two issuers cannot both sign)."""
    query = select(RetentionSweep).where(RetentionSweep.id == sweep_id).with_for_update()
    return session.execute(query).scalar_one_or_none()


def sweeps(session: Session, cursor: str | None, limit: int) -> Slice[RetentionSweep]:
    rows = list(session.execute(SWEEPS.apply(select(RetentionSweep), cursor, limit)).scalars())
    return SWEEPS.page(rows, limit)


def disposals(session: Session, sweep_id: str, cursor: str | None, limit: int) -> Slice[Disposal]:
    query = select(Disposal).where(Disposal.sweep_id == sweep_id)
    rows = list(session.execute(DISPOSALS.apply(query, cursor, limit)).scalars())
    return DISPOSALS.page(rows, limit)


def disposals_with_audit_hash(
    session: Session, sweep_id: str, batch: int = 1000
) -> Iterator[tuple[Disposal, str | None]]:
    """Every disposal of the sweep in the order it happened, with its audit event's hash,
    fetched `batch` rows at a time (a sweep may hold 100,000)."""
    query = (
        select(Disposal, AuditEvent.hash)
        .outerjoin(AuditEvent, AuditEvent.seq == Disposal.audit_seq)
        .where(Disposal.sweep_id == sweep_id)
        .order_by(Disposal.disposed_at, Disposal.recording_id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(query):
        yield row[0], row[1]
