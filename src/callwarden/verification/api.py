"""Routes for audio verification: announcement audio per script, and each recording's findings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.errors import PayloadTooLarge
from callwarden.recordings import service as recordings_service
from callwarden.recordings.streaming import denials_audited
from callwarden.server.deps import database, requires, settings
from callwarden.vault.runtime import vault_for
from callwarden.verification import findings, scripts, service
from callwarden.verification.findings_api import router as findings_router
from callwarden.verification.schemas import RecordingFindings

router = APIRouter(tags=["verification"])
router.include_router(findings_router)

ANNOUNCEMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The announcement audio as the raw body (WAV, FLAC or Ogg Opus).",
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("audio/wav", "audio/flac", "audio/ogg", "application/octet-stream")
        },
    }
}


class ScriptAudioOut(BaseModel):
    script_id: str
    language: str
    sha256: str
    duration_s: float
    uploaded_at: datetime


@router.post(
    "/v1/scripts/{script_id}/audio",
    status_code=201,
    response_model=ScriptAudioOut,
    openapi_extra=ANNOUNCEMENT_BODY,
)
async def upload_script_audio(
    script_id: str,
    request: Request,
    language: str = Query(max_length=35, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    who: Principal = Depends(requires("scripts.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Store the announcement audio the phone system plays for this script and language.

    The audio check compares every recording against it to verify the notice was really played.
    """
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > scripts.MAX_PROMPT_BYTES:
            raise PayloadTooLarge(
                f"announcement audio is larger than {scripts.MAX_PROMPT_BYTES} bytes"
            )
    with db.unit_of_work() as session:
        row = scripts.store(session, vault_for(config), who, script_id, language, bytes(body))
        return {
            "script_id": row.script_id,
            "language": row.language,
            "sha256": row.sha256,
            "duration_s": row.duration_s,
            "uploaded_at": row.uploaded_at.isoformat(),
        }


@router.get("/v1/recordings/{recording_id}/findings", response_model=RecordingFindings)
def recording_findings(
    recording_id: str,
    who: Principal = Depends(requires("recordings.search")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """What checking the audio found: notice verified or missing, consent keys, payment leaks."""
    with denials_audited(db, who, "recordings.search", recording_id), db.reading() as session:
        recording = recordings_service.get_visible(session, who, recording_id)
        rows = service.list_findings(session, recording.id)
        return {
            "recording_id": recording.id,
            "analysed_at": recording.analysed_at.isoformat() if recording.analysed_at else None,
            "analysis_error": recording.analysis_error,
            "findings": [findings.describe(f) for f in rows],
        }
