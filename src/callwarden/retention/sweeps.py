"""Retention sweeps for people: run one (or count, dry), list them, read one. Access here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.pagination import Slice
from callwarden.models import RetentionSweep
from callwarden.retention import certificate, sweeping
from callwarden.retention.sweeping import Summary


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
    """Sweeps, newest first (the certificate module's reading, one rule for who may)."""
    return certificate.list_sweeps(session, principal, cursor, limit)


def get(session: Session, principal: Principal, sweep_id: str) -> RetentionSweep:
    return certificate.get_sweep(session, principal, sweep_id)
