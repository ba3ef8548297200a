"""The HTTP answer of a playback or export, shared by the API and the console.

Both say who listens and why in the same way: authorise and open in a read transaction, write
the access event (who, why, which bytes) before the first byte leaves, then stream with HTTP
Range so a player can seek. A chunk failing its integrity check is recorded as damage.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.responses import StreamingResponse

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import deny
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Forbidden
from callwarden.recordings import service
from callwarden.recordings.integrity import INTEGRITY_FAILURES, RecordingDamaged, record_damage
from callwarden.server.deps import record_denial
from callwarden.vault.runtime import vault_for

log = logging.getLogger(__name__)


@contextmanager
def denials_audited(db: Database, who: Principal, action: str, recording_id: str) -> Iterator[None]:
    """Refused looks are audited: a recording out of sight (still answered 404) or forbidden."""
    try:
        yield
    except service.HiddenRecording as hidden:
        record_denial(db, who, action, f"recording:{recording_id}", deny(hidden.reason))
        raise
    except Forbidden as refusal:
        record_denial(db, who, action, f"recording:{recording_id}", deny(refusal.detail))
        raise


def _sent_and_checked(
    db: Database, who: Principal, recording_id: str, during: str, body: Iterator[bytes]
) -> Iterator[bytes]:
    """The body, counting what leaves; a chunk failing mid-stream is recorded as damage with
    the bytes actually sent, then ends the stream short (the client never gets a false end)."""
    sent = 0
    try:
        for piece in body:
            yield piece
            sent += len(piece)
    except INTEGRITY_FAILURES as failure:
        with db.unit_of_work() as session:
            record_damage(session, who.actor, recording_id, failure, during, bytes_sent=sent)
        log.error(
            "recording %s failed its integrity check after %d bytes were sent; the stream is cut "
            "short and the damage audited: %s",
            recording_id,
            sent,
            failure.detail,
        )
        raise


def audio_answer(
    recording_id: str,
    reason: str | None,
    range_header: str | None,
    who: Principal,
    db: Database,
    config: Settings,
    export: bool,
) -> StreamingResponse:
    """The audio (or the asked-for range, 206), after its access event is written."""
    during = "download" if export else "play"
    try:
        with (
            denials_audited(db, who, f"recordings.{'export' if export else 'play'}", recording_id),
            db.reading() as session,
        ):
            playback = service.open_audio(
                session,
                vault_for(config),
                who,
                recording_id,
                reason,
                range_header,
                export,
                verify_whole_bytes=config.playback_verify_bytes,
            )
            session.expunge(playback.recording)
    except INTEGRITY_FAILURES as failure:
        with db.unit_of_work() as session:
            record_damage(session, who.actor, recording_id, failure, during, bytes_sent=0)
        raise RecordingDamaged(
            f"recording {recording_id} failed its integrity check and was not sent: "
            f"{failure.detail}. It is marked damaged and the failure is in the audit trail.",
            recording_id=recording_id,
            failure=failure.code,
        ) from failure
    with db.unit_of_work() as session:  # the write lock only for the access event
        service.record_playback(session, who, playback)
    recording = playback.recording
    body = _sent_and_checked(db, who, recording.id, during, playback.body)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "no-store"}
    if export:
        headers["Content-Disposition"] = f'attachment; filename="{recording.id}.{recording.format}"'
    if playback.selected is None:
        headers["Content-Length"] = str(playback.size)
        return StreamingResponse(body, media_type=recording.content_type, headers=headers)
    headers["Content-Range"] = playback.selected.header(playback.size)
    headers["Content-Length"] = str(playback.selected.length)
    return StreamingResponse(
        body, status_code=206, media_type=recording.content_type, headers=headers
    )
