"""Retention sweeps for people: run one (or count, dry), list them, read one. Access here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import RetentionSweep
from callwarden.retention import sweeping
from callwarden.retention.sweeping import Summary

# Sweep ids begin with their creation time, so the id alone orders a page oldest first.
BY_ID = Keyset("sweeps", (RetentionSweep.id,))


def run(
    db: Database,
    principal: Principal,
    settings: Settings,
    as_of: datetime | None,
    dry_run: bool,
) -> Summary:
    """Run a sweep now as this principal (its own transactions, one per batch: a sweep is a
    job, not one unit of work), or only count what it would take."""
    require(principal, "retention.sweep")
    return sweeping.sweep(db, settings, as_of or clock.now(), dry_run, actor=principal.actor)


def list_sweeps(
    session: Session, principal: Principal, cursor: str | None, limit: int
) -> Slice[RetentionSweep]:
    require(principal, "retention.read")
    rows = list(session.execute(BY_ID.apply(select(RetentionSweep), cursor, limit)).scalars())
    return BY_ID.page(rows, limit)


def get(session: Session, principal: Principal, sweep_id: str) -> RetentionSweep:
    require(principal, "retention.read")
    found = session.get(RetentionSweep, sweep_id)
    if found is None:
        raise NotFound(f"no sweep {sweep_id!r}")
    return found
