"""Routes for reading and verifying the audit trail."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from callwarden.audit import checkpointing, package, service
from callwarden.audit.repository import EventFilter
from callwarden.audit.schemas import AuditEventOut, ChainStatus
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.inputs import QueryTimestamp
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/events", response_model=Page[AuditEventOut])
def list_events(
    actor: str | None = Query(default=None, max_length=120),
    action: str | None = Query(default=None, max_length=80),
    target: str | None = Query(default=None, max_length=200),
    since: QueryTimestamp | None = Query(default=None, description="Inclusive, ISO 8601."),
    until: QueryTimestamp | None = Query(default=None, description="Exclusive, ISO 8601."),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("audit.read")),
    session: Session = Depends(read_session),
) -> Page[AuditEventOut]:
    """Events in sequence order, oldest first, a page at a time."""
    where = EventFilter(
        actor=actor,
        action=action,
        target=target,
        since=as_utc(since) if since else None,
        until=as_utc(until) if until else None,
    )
    found = service.find(session, where, cursor, limit)
    items = [AuditEventOut.model_validate(event) for event in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.get("/verify", response_model=ChainStatus)
def verify_chain(
    who: Principal = Depends(requires("audit.read")),
    session: Session = Depends(read_session),
    current: Settings = Depends(settings),
) -> ChainStatus:
    """Re-walk the whole chain now (in one read snapshot) and hold it to the signed checkpoints
    kept outside the database: names an edited event, a rewritten tail, a truncation, a missing
    or forged checkpoint."""
    report = checkpointing.verify_stored(session, current)
    return ChainStatus(
        ok=report.ok,
        checked=report.checked,
        last_seq=report.last_seq,
        broken_at=report.broken_at,
        problem=report.problem,
        checkpoints_checked=report.checkpoints_checked,
        last_checkpoint_seq=report.last_checkpoint_seq,
    )


@router.get(
    "/package",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def evidence_package(
    since: Annotated[QueryTimestamp, Query(alias="from", description="Inclusive, ISO 8601.")],
    until: Annotated[QueryTimestamp, Query(alias="to", description="Exclusive, ISO 8601.")],
    who: Principal = Depends(requires("audit.read")),
    db: Database = Depends(database),
    current: Settings = Depends(settings),
) -> StreamingResponse:
    """The evidence package of a period for external auditors (as `callwarden audit package`
    writes it), built into a temporary file first, so a failure is an error, not half a zip."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed (and so removed) once sent
    try:
        package.deliver(db, current, who.actor, as_utc(since), as_utc(until), file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    name = f"audit-package-{as_utc(since):%Y%m%d}-{as_utc(until):%Y%m%d}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return StreamingResponse(_streamed(file), media_type="application/zip", headers=headers)


def _streamed(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while piece := file.read(1024 * 1024):
            yield piece
    finally:
        file.close()
