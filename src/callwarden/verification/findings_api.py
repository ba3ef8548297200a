"""Routes for working findings: the cross-recording list, and acknowledge / resolve / accept."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.inputs import QueryTimestamp
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import database, requires
from callwarden.server.paging import Cursor, Limit
from callwarden.verification import findings
from callwarden.verification.lifecycle_api import add_lifecycle_routes
from callwarden.verification.schemas import FindingOut

router = APIRouter(tags=["findings"])


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


add_lifecycle_routes(
    router, "/v1/findings", "findings.manage", findings.transition, findings.describe, FindingOut
)
