"""Routes for data-subject requests (`/v1/subject-requests`) and a call's vCon."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.models import SubjectRequest
from callwarden.server.deps import database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit
from callwarden.subjects import service, workflows
from callwarden.subjects.schemas import (
    Closing,
    ErasureOut,
    SubjectRequestIn,
    SubjectRequestOut,
    VconOut,
)
from callwarden.subjects.schemas import describe as describe_row

router = APIRouter(tags=["subject requests"])


def describe(row: SubjectRequest) -> dict[str, Any]:
    return describe_row(row, service.deadline_of(row))


@router.post("/v1/subject-requests", status_code=201, response_model=SubjectRequestOut)
def open_request(
    body: SubjectRequestIn,
    who: Principal = Depends(requires("subjects.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Open an access or erasure request for a person named by their phone numbers, with how
    their identity was verified; the legal deadline follows (not legal advice)."""
    with db.unit_of_work() as session:
        return describe(service.open_request(session, who, **body.model_dump()))


@router.get("/v1/subject-requests", response_model=Page[SubjectRequestOut])
def list_requests(
    state: str | None = Query(default=None, max_length=16, description="open or closed"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("subjects.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    found = service.list_requests(session, who, state, cursor, limit)
    return {"items": [describe(row) for row in found.rows], "next_cursor": found.next_cursor}


@router.get("/v1/subject-requests/{request_id}", response_model=SubjectRequestOut)
def show(
    request_id: str,
    who: Principal = Depends(requires("subjects.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return describe(service.get(session, who, request_id))


@router.post("/v1/subject-requests/{request_id}/find", response_model=SubjectRequestOut)
def find(
    request_id: str,
    who: Principal = Depends(requires("subjects.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Find every call and recording where the person was a party (kept on the request)."""
    with db.unit_of_work() as session:
        return describe(service.find(session, who, request_id))


@router.get(
    "/v1/subject-requests/{request_id}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_zip(
    request_id: str,
    who: Principal = Depends(requires("subjects.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> StreamingResponse:
    """The access export: a zip of one vCon per call, the decrypted audio and manifest.json
    (sha256 of every file). Each recording's export is audited, and the export itself."""
    file, _manifest = workflows.build_export(db, config, who, request_id)
    headers = {
        "Content-Disposition": f'attachment; filename="{request_id}.zip"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(
        workflows.streamed(file), media_type="application/zip", headers=headers
    )


@router.post("/v1/subject-requests/{request_id}/erase", response_model=ErasureOut)
def erase(
    request_id: str,
    who: Principal = Depends(requires("subjects.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Erase what may be erased; what an exception keeps is said, with its citation, in the
    response letter. Each erasure is a disposal sweep with its destruction certificate."""
    return asdict(workflows.run_erasure(db, config, who, request_id))


@router.post("/v1/subject-requests/{request_id}/close", response_model=SubjectRequestOut)
def close(
    request_id: str,
    body: Closing,
    who: Principal = Depends(requires("subjects.manage")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Close a request with its outcome in words (never without one); audited."""
    with db.unit_of_work() as session:
        return describe(service.close(session, who, request_id, body.outcome))


@router.get(
    "/v1/calls/{call_id}/vcon",
    response_model=None,
    response_class=JSONResponse,
    responses={200: {"model": VconOut}},
)
def call_vcon(
    call_id: str,
    who: Principal = Depends(requires("calls.read")),
    session: Session = Depends(read_session),
) -> JSONResponse:
    """The call as a vCon document (IETF vCon draft), for whoever may read the call: exactly
    the document an access export holds for it (members a party lacks are left out, not null)."""
    return JSONResponse(service.call_vcon(session, who, call_id))
