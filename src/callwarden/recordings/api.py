"""Routes for recordings: upload (streamed), search, metadata, playback with Range, export."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import Field
from sqlalchemy.orm import Session

from callwarden.calls import service as calls
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import InvalidInput
from callwarden.kit.inputs import QueryTimestamp, RequestModel
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.recordings import intake, service
from callwarden.recordings.bridge import BodyBridge
from callwarden.recordings.schemas import (
    AssignmentOut,
    RecordingOut,
    SearchFilter,
    describe,
)
from callwarden.recordings.streaming import audio_answer, denials_audited
from callwarden.recordings.upload import IntakeRequest
from callwarden.server.deps import (
    database,
    principal,
    read_session,
    requires,
    settings,
)
from callwarden.server.openapi import problem, problem_responses
from callwarden.server.paging import Cursor, Limit
from callwarden.vault.runtime import vault_for

router = APIRouter(tags=["recordings"])
log = logging.getLogger(__name__)

AUDIO_TYPES = ("audio/wav", "audio/x-wav", "audio/flac", "audio/ogg", "application/octet-stream")
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The recording itself as the raw body (WAV, FLAC or Ogg Opus), streamed.",
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}} for kind in AUDIO_TYPES
        },
    },
    "parameters": [
        {
            "name": "idempotency_key",
            "in": "query",
            "required": True,
            "description": "Your id for this upload; repeating it returns the stored recording. "
            "May be sent as the `Idempotency-Key` header instead.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        }
    ],
}
AUDIO_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The audio.",
        "content": {"audio/*": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {
        "description": "The requested byte range.",
        "content": {"audio/*": {"schema": {"type": "string", "format": "binary"}}},
    },
    **problem_responses(416),
    410: problem(410, "The recording was disposed of (`recording_disposed`): nothing to open."),
}


def idempotency_key(
    query: str | None = Query(
        default=None, alias="idempotency_key", max_length=200, include_in_schema=False
    ),
    header: str | None = Header(
        default=None, alias="Idempotency-Key", max_length=200, include_in_schema=False
    ),
) -> str:
    """The upload's idempotency key, from the query or the header (documented in UPLOAD_BODY)."""
    key = query or header
    if not key:
        raise InvalidInput("send an idempotency key (Idempotency-Key header or ?idempotency_key=)")
    return key


async def _pieces(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        yield chunk


@router.post(
    "/v1/calls/{call_id}/recordings",
    status_code=201,
    response_model=RecordingOut,
    responses={200: {"model": RecordingOut, "description": "Already stored under this key."}},
    openapi_extra=UPLOAD_BODY,
)
async def upload(
    call_id: str,
    request: Request,
    channel_map: str | None = Query(
        default=None, max_length=400, description="Party keys, e.g. customer,agent"
    ),
    started_at: QueryTimestamp | None = Query(
        default=None, description="When the first sample was captured."
    ),
    agent: str | None = Query(default=None, max_length=64, description="The agent's username."),
    private: bool = Query(default=False),
    who: Principal = Depends(requires("recordings.ingest")),
    key: str = Depends(idempotency_key),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> JSONResponse:
    """Upload a recording as the raw request body (WAV, FLAC or Ogg Opus), streamed.

    The answer (201) is sent only once the sealed recording is durable. The consent ledger
    decides whether it may be kept: refused uploads are answered 409 and the refusal is audited.
    Repeating an idempotency key returns the recording already stored (200).
    """
    if started_at is not None and started_at.tzinfo is None:
        raise InvalidInput("started_at needs a time zone, e.g. 2026-11-27T10:00:00Z")
    # Uploads are scoped like every other look at a call: an integration reaches only the calls
    # it created, and another source's call is answered as not there, before a byte is read.
    await anyio.to_thread.run_sync(lambda: _reachable_call(db, who, call_id))
    wanted = IntakeRequest(
        call_id=call_id,
        idempotency_key=key,
        channel_map=tuple(part.strip() for part in channel_map.split(",")) if channel_map else (),
        started_at=as_utc(started_at) if started_at else None,
        agent=agent,
        private=private,
    )
    vault = vault_for(config)
    body = BodyBridge(_pieces(request))
    await body.start()
    try:
        result = await anyio.to_thread.run_sync(
            lambda: intake.ingest(db, vault, who, wanted, body.pieces(), config.data_dir / "spool")
        )
    finally:
        await body.stop()
    return JSONResponse(result.recording, status_code=201 if result.created else 200)


def _reachable_call(db: Database, who: Principal, call_id: str) -> None:
    with db.reading() as session:
        calls.get_call(session, who, call_id)


@router.get("/v1/recordings", response_model=Page[RecordingOut])
def search(
    number: str | None = Query(default=None, max_length=32),
    agent: str | None = Query(default=None, max_length=64),
    team: str | None = Query(default=None, max_length=120),
    queue: str | None = Query(default=None, max_length=120),
    jurisdiction: str | None = Query(default=None, max_length=10),
    since: QueryTimestamp | None = Query(default=None, alias="from"),
    until: QueryTimestamp | None = Query(default=None, alias="to"),
    purpose: str | None = Query(default=None, max_length=64),
    retention_class: str | None = Query(default=None, max_length=64),
    call_id: str | None = Query(default=None, max_length=40),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("recordings.search")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Recordings you may see, filtered, by id; page with `cursor=<next_cursor>`."""
    where = SearchFilter(
        number=number,
        agent=agent,
        team=team,
        queue=queue,
        jurisdiction=jurisdiction,
        since=as_utc(since) if since else None,
        until=as_utc(until) if until else None,
        purpose=purpose,
        retention_class=retention_class,
        call_id=call_id,
    )
    found = service.search(session, who, where, cursor, limit)
    return {"items": [describe(row) for row in found.rows], "next_cursor": found.next_cursor}


@router.get("/v1/recordings/{recording_id}", response_model=RecordingOut)
def metadata(
    recording_id: str,
    who: Principal = Depends(requires("recordings.search")),
    db: Database = Depends(database),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    with denials_audited(db, who, "recordings.search", recording_id):
        return describe(service.get_visible(session, who, recording_id))


REASON = Query(default=None, max_length=500, include_in_schema=False)
REQUIRED_REASON: dict[str, Any] = {
    "parameters": [
        {
            "name": "reason",
            "in": "query",
            "required": True,
            "description": "Why you open it (at least 4 characters); kept in the audit trail.",
            "schema": {"type": "string", "minLength": 4, "maxLength": 500},
        }
    ]
}


@router.get(
    "/v1/recordings/{recording_id}/audio",
    response_model=None,
    response_class=StreamingResponse,
    responses=AUDIO_ANSWER,
    openapi_extra=REQUIRED_REASON,
)
def play(
    recording_id: str,
    reason: str | None = REASON,
    range_header: str | None = Header(default=None, alias="Range"),
    who: Principal = Depends(principal),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> StreamingResponse:
    """Stream the decrypted audio (HTTP Range supported, so a browser can seek).

    `reason` is required and, with who, when and which bytes, lands in the audit trail.
    """
    return audio_answer(recording_id, reason, range_header, who, db, config, export=False)


@router.get(
    "/v1/recordings/{recording_id}/download",
    response_model=None,
    response_class=StreamingResponse,
    responses=AUDIO_ANSWER,
    openapi_extra=REQUIRED_REASON,
)
def download(
    recording_id: str,
    reason: str | None = REASON,
    who: Principal = Depends(principal),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> StreamingResponse:
    """Export the whole file (a separate permission, audited as an export)."""
    return audio_answer(recording_id, reason, None, who, db, config, export=True)


class Assignment(RequestModel):
    reviewer: str = Field(max_length=64)


@router.post(
    "/v1/recordings/{recording_id}/assignments", status_code=201, response_model=AssignmentOut
)
def assign(
    recording_id: str,
    body: Assignment,
    who: Principal = Depends(requires("recordings.assign")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    with (
        denials_audited(db, who, "recordings.assign", recording_id),
        db.unit_of_work() as session,
    ):
        row = service.assign(session, who, recording_id, body.reviewer)
        return {
            "recording_id": row.recording_id,
            "reviewer": body.reviewer,
            "assigned_at": row.assigned_at.isoformat(),
        }


class PrivateFlag(RequestModel):
    private: bool
    reason: str = Field(min_length=4, max_length=500)


@router.post("/v1/recordings/{recording_id}/private", response_model=RecordingOut)
def set_private(
    recording_id: str,
    body: PrivateFlag,
    who: Principal = Depends(requires("recordings.flag_private")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    with (
        denials_audited(db, who, "recordings.flag_private", recording_id),
        db.unit_of_work() as session,
    ):
        return describe(service.flag_private(session, who, recording_id, body.private, body.reason))
