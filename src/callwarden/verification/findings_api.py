"""Routes for working findings: the cross-recording list, and acknowledge / resolve / accept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.inputs import QueryTimestamp, RequestModel, Timestamp
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import database, requires
from callwarden.server.paging import Cursor, Limit
from callwarden.verification import findings, lifecycle
from callwarden.verification.schemas import FindingOut

router = APIRouter(tags=["findings"])
MAX_ID = 2**31 - 1  # the findings table's integer key


class Move(RequestModel):
    """Why the finding moves; every move is kept on the finding and in the audit trail."""

    reason: str = Field(min_length=1, max_length=lifecycle.MAX_REASON)


class RiskAcceptance(Move):
    expires_at: Timestamp | None = Field(
        default=None, description="When the accepted risk needs looking at again (optional)."
    )


@router.get("/v1/findings", response_model=Page[FindingOut])
def list_findings(
    kind: str | None = Query(default=None, max_length=40),
    severity: findings.Severity | None = Query(default=None),
    status: findings.Status | None = Query(
        default=None, description="`open` includes accepted risks past expiry."
    ),
    recording_id: str | None = Query(default=None, max_length=40),
    call_id: str | None = Query(default=None, max_length=40),
    since: QueryTimestamp | None = Query(default=None, alias="from", description="Inclusive."),
    until: QueryTimestamp | None = Query(default=None, alias="to", description="Exclusive."),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("findings.read")),
    db: Database = Depends(database),
) -> Page[FindingOut]:
    """Findings across recordings, oldest first, a page at a time."""
    where = findings.FindingFilter(
        kind=kind,
        severity=severity,
        status=status,
        recording_id=recording_id,
        call_id=call_id,
        since=as_utc(since) if since else None,
        until=as_utc(until) if until else None,
    )
    with db.reading() as session:
        found = findings.search(session, who, where, cursor, limit)
        items = [FindingOut.model_validate(findings.describe(row)) for row in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


def _moved(
    db: Database,
    who: Principal,
    finding_id: int,
    move: lifecycle.Transition,
    reason: str,
    expires: datetime | None = None,
) -> dict[str, Any]:
    with db.unit_of_work() as session:
        row = findings.transition(session, who, finding_id, move, reason, expires)
        return findings.describe(row)


@router.post("/v1/findings/{finding_id}/acknowledge", response_model=FindingOut)
def acknowledge(
    body: Move,
    finding_id: int = Path(ge=1, le=MAX_ID),
    who: Principal = Depends(requires("findings.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Someone is working on it: open → acknowledged."""
    return _moved(db, who, finding_id, "acknowledge", body.reason)


@router.post("/v1/findings/{finding_id}/resolve", response_model=FindingOut)
def resolve(
    body: Move,
    finding_id: int = Path(ge=1, le=MAX_ID),
    who: Principal = Depends(requires("findings.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Dealt with (say how in the reason)."""
    return _moved(db, who, finding_id, "resolve", body.reason)


@router.post("/v1/findings/{finding_id}/accept-risk", response_model=FindingOut)
def accept_risk(
    body: RiskAcceptance,
    finding_id: int = Path(ge=1, le=MAX_ID),
    who: Principal = Depends(requires("findings.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Knowingly left as it is, for the reason given; optionally until `expires_at`."""
    expires = as_utc(body.expires_at) if body.expires_at else None
    return _moved(db, who, finding_id, "accept_risk", body.reason, expires)
