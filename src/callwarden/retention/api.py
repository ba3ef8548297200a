"""Routes for legal holds: `/v1/holds`, and the holds keeping one recording."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.recordings.streaming import denials_audited
from callwarden.retention import holds
from callwarden.retention.schemas import (
    HoldIn,
    HoldOut,
    RecordingHolds,
    Release,
    ScopeChange,
    describe,
)
from callwarden.server.deps import database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit

router = APIRouter(tags=["holds"])


@router.post("/v1/holds", status_code=201, response_model=HoldOut)
def create(
    body: HoldIn,
    who: Principal = Depends(requires("holds.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Open a legal hold for a matter. It keeps every recording its scope matches, those that
    exist and those that arrive while it is active; the creation is audited. A broad scope
    (over CALLWARDEN_HOLD_BROAD_SCOPE recordings, or open-ended in time) needs
    `confirm_broad: true` (else 409 `confirm_broad_required` with the count)."""
    with db.unit_of_work() as session:
        made = holds.create(
            session,
            who,
            body.matter,
            body.reason,
            body.scope.as_data(),
            body.confirm_broad,
            config.hold_broad_scope,
        )
        return describe(made)


@router.get("/v1/holds", response_model=Page[HoldOut])
def list_holds(
    active: bool | None = Query(default=None, description="true: active only; false: released"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("holds.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Holds, oldest first; page with `cursor=<next_cursor>`."""
    found = holds.list_holds(session, who, active, cursor, limit)
    return {"items": [describe(row) for row in found.rows], "next_cursor": found.next_cursor}


@router.get("/v1/holds/{hold_id}", response_model=HoldOut)
def show(
    hold_id: str,
    who: Principal = Depends(requires("holds.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return describe(holds.get(session, who, hold_id))


@router.patch("/v1/holds/{hold_id}", response_model=HoldOut)
def change_scope(
    hold_id: str,
    body: ScopeChange,
    who: Principal = Depends(requires("holds.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Give an active hold a new scope, with why (the old and new scopes are audited); a broad
    one needs `confirm_broad: true`, as on creation."""
    with db.unit_of_work() as session:
        changed = holds.change_scope(
            session,
            who,
            hold_id,
            body.scope.as_data(),
            body.reason,
            body.confirm_broad,
            config.hold_broad_scope,
        )
        return describe(changed)


@router.post("/v1/holds/{hold_id}/release", response_model=HoldOut)
def release(
    hold_id: str,
    body: Release,
    who: Principal = Depends(requires("holds.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Release a hold, with why. It is never deleted; a released hold keeps nothing."""
    with db.unit_of_work() as session:
        return describe(holds.release(session, who, hold_id, body.reason))


@router.get("/v1/recordings/{recording_id}/holds", response_model=RecordingHolds)
def recording_holds(
    recording_id: str,
    who: Principal = Depends(requires("holds.read")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """The active holds keeping this recording, judged now."""
    with denials_audited(db, who, "holds.read", recording_id), db.reading() as session:
        found = holds.covering_visible(session, who, recording_id)
        return {"recording_id": recording_id, "holds": [describe(hold) for hold in found]}
