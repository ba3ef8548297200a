"""Listening in the console: give the reason (a form), then the player streams with Range.

The reason is recorded by `recordings.listening.grant_listening` (the same checks as the API's
play, an audit event with the reason); the page then gets a grant naming that event, signed
with the session cookie. The audio route answers exactly like `GET /v1/recordings/{id}/audio`
(`recordings.streaming.audio_answer`: each range audited as `recording.played` with the reason,
206 for a range) but takes the reason from the grant. A recording out of reach answers 404
like a missing one before the grant is looked at; a URL without a valid grant is refused.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, Form, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import deny
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Forbidden
from callwarden.recordings import listening, service
from callwarden.recordings.streaming import audio_answer, denials_audited
from callwarden.server.deps import database, record_denial, settings
from callwarden.web import grants
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.routing import page_router, redirect

router = page_router()

NO_GRANT = (
    "the audio plays only after you give your reason on the recording's page (and for a while "
    "after); open the recording and give it there"
)


@router.post("/recordings/{recording_id}/listen", dependencies=[Depends(csrf_checked)])
def give_reason(
    request: Request,
    recording_id: str,
    reason: str = Form(max_length=500),
    who: Principal = Depends(console_requires("recordings.search")),
    db: Database = Depends(database),
) -> Response:
    """Record why this person listens, then show the page with the player."""
    with (
        denials_audited(db, who, "recordings.play", recording_id),
        db.unit_of_work() as session,
    ):
        granted = listening.grant_listening(session, who, recording_id, reason)
    token = grants.issue(request, granted)
    return redirect(request, f"/recordings/{quote(granted.recording_id)}?grant={token}#player")


def _reason_for(
    db: Database, request: Request, who: Principal, recording_id: str, grant: str | None
) -> str:
    """The recorded reason a valid grant names; a hidden recording is a 404 first."""
    with denials_audited(db, who, "recordings.play", recording_id), db.reading() as session:
        recording = service.get_visible(session, who, recording_id)
        seq = grants.recorded_seq(request, grant, recording.id)
        reason = listening.granted_reason(session, who, recording.id, seq) if seq else None
    if reason is None:
        target = f"recording:{recording_id}"
        record_denial(db, who, "recordings.play", target, deny("no reason given in this session"))
        raise Forbidden(NO_GRANT)
    return reason


@router.get("/recordings/{recording_id}/audio")
async def audio(
    request: Request,
    recording_id: str,
    grant: str | None = Query(default=None, max_length=400),
    range_header: str | None = Header(default=None, alias="Range"),
    who: Principal = Depends(console_requires("recordings.search")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    """The audio for the console's player, with Range (seeking), under a grant."""
    reason = await run_in_threadpool(_reason_for, db, request, who, recording_id, grant)
    return await run_in_threadpool(
        audio_answer, recording_id, reason, range_header, who, db, config, False
    )
