"""Routes for retention sweeps: run one (or a dry count), list them, read one and its proof."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.retention import sweeps
from callwarden.retention.sweep_schemas import (
    SweepIn,
    SweepOut,
    SweepRun,
    describe_run,
    describe_sweep,
)
from callwarden.server.deps import database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit

router = APIRouter(tags=["retention"])


@router.post("/v1/retention/sweeps", response_model=SweepRun)
def run_sweep(
    body: SweepIn,
    who: Principal = Depends(requires("retention.sweep")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Dispose now of every recording due and kept by no hold (keys destroyed, objects deleted,
    each audited, then a destruction certificate), or with `dry_run` count only. 409
    `sweep_running` while another sweep runs. Nothing due: no sweep and no certificate."""
    return describe_run(sweeps.run(db, who, config, body.as_of, body.dry_run))


@router.get("/v1/retention/sweeps", response_model=Page[SweepOut])
def list_sweeps(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("retention.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Sweeps, oldest first (their certificates on each one's own page)."""
    found = sweeps.list_sweeps(session, who, cursor, limit)
    return {"items": [describe_sweep(row) for row in found.rows], "next_cursor": found.next_cursor}


@router.get("/v1/retention/sweeps/{sweep_id}", response_model=SweepOut)
def show_sweep(
    sweep_id: str,
    who: Principal = Depends(requires("retention.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """One sweep with its signed destruction certificate, once finished."""
    return describe_sweep(sweeps.get(session, who, sweep_id), with_certificate=True)
