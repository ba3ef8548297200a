"""Twilio's webhooks: the voice URL, the consent keypress action, and recording-status callbacks.

None of them takes a bearer token: each is authenticated by Twilio's request signature
(`webhook.py`). The voice and consent routes answer TwiML; the status callback answers JSON;
every refusal is problem+json.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from callwarden.calls.adapters.twilio import conversation, params, recordings, repository
from callwarden.calls.adapters.twilio import status as call_statuses
from callwarden.calls.adapters.twilio.params import VoiceOptions
from callwarden.calls.adapters.twilio.twiml import PREFIX, Links
from callwarden.calls.adapters.twilio.webhook import SignedRequest, verified
from callwarden.db import Database
from callwarden.server.deps import database
from callwarden.server.openapi import problem_responses

# Every webhook refuses a missing or forged signature (403) and answers 503 until configured.
router = APIRouter(prefix=PREFIX, tags=["twilio"], responses=problem_responses(403, 503))
TWIML = "application/xml"
TWIML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {TWIML: {}}, "description": "TwiML for Twilio to execute."}
}


class CallStatusOut(BaseModel):
    call_id: str | None
    call_status: str
    call_ended: bool


class RecordingStatusOut(BaseModel):
    call_id: str | None
    recording_sid: str
    status: str
    duplicate: bool
    event: str | None
    event_accepted: bool | None


class ConsentQuery(BaseModel):
    """Put on the Gather action URL by the voice webhook; covered by Twilio's signature."""

    model_config = ConfigDict(extra="forbid")

    call: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")
    party: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")
    attempt: int = Field(default=1, ge=1, le=9)
    next: str | None = Field(default=None, max_length=1000, pattern=r"^https?://[^\s]+$")


@router.post("/voice", response_class=Response, responses=TWIML_RESPONSE)
def voice(
    options: Annotated[VoiceOptions, Query()],
    signed: SignedRequest = Depends(verified),
    db: Database = Depends(database),
) -> Response:
    """The number's "A call comes in" webhook (or an outbound call's Url).

    Creates the call from Twilio's parameters (a repeated CallSid finds the same call), decides,
    and answers TwiML for the plan: the notice, a keypress for consent, then recording or not.
    `queue` routes the number to a policy scope rule, `language` picks the scripts' language,
    and `next` is TwiML to continue with once governance is done (e.g. the routing to agents).
    """
    facts = params.call_facts(signed.params, options)
    with db.unit_of_work() as session:
        xml = conversation.answer_call(session, facts, Links(signed.base_url, options.next))
    return Response(xml, media_type=TWIML)


@router.post("/consent", response_class=Response, responses=TWIML_RESPONSE)
def consent(
    query: Annotated[ConsentQuery, Query()],
    signed: SignedRequest = Depends(verified),
    db: Database = Depends(database),
) -> Response:
    """The consent prompt's Gather action: the keypress becomes consent given or declined."""
    call_sid = params.call_sid(signed.params)
    digits = signed.params.get("Digits", "").strip()
    links = Links(signed.base_url, query.next)
    with db.unit_of_work() as session:
        xml = conversation.answer_consent(
            session, call_sid, query.call, query.party, digits, query.attempt, links
        )
    return Response(xml, media_type=TWIML)


@router.post("/call-status", response_model=CallStatusOut)
def call_status(
    signed: SignedRequest = Depends(verified), db: Database = Depends(database)
) -> JSONResponse:
    """The call-status callback: a final status ends the call in the ledger (once)."""
    call_sid = params.call_sid(signed.params)
    state = signed.params.get("CallStatus", "")
    with db.unit_of_work() as session:
        call_id, ended = call_statuses.call_status(session, call_sid, state)
    return JSONResponse({"call_id": call_id, "call_status": state, "call_ended": ended})


@router.post(
    "/recording-status",
    status_code=201,
    response_model=RecordingStatusOut,
    responses={200: {"model": RecordingStatusOut, "description": "A replay; nothing written."}},
)
def recording_status(
    signed: SignedRequest = Depends(verified), db: Database = Depends(database)
) -> JSONResponse:
    """The recording-status callback: stored once per (RecordingSid, RecordingStatus).

    A replay answers 200 and writes nothing. The audio is not fetched here: the vault's fetch
    job takes completed recordings from the stored rows.
    """
    status = params.parse_recording_status(signed.params)
    try:
        with db.unit_of_work() as session:
            outcome = recordings.record_status(session, status, signed.params)
    except recordings.UnknownCall as unknown:
        kept = "a callback for an unknown call is kept while it is refused"
        with db.separate_unit_of_work(kept) as session:
            recordings.audit_unknown_call(session, status, unknown.detail)
        raise
    except IntegrityError:
        with db.reading() as session:  # two deliveries at once: the other one stored it
            if repository.recording_status(session, status.recording_sid, status.status) is None:
                raise
        outcome = recordings.StatusOutcome("", duplicate=True)
    body = {
        "call_id": outcome.call_id or None,
        "recording_sid": status.recording_sid,
        "status": status.status,
        "duplicate": outcome.duplicate,
        "event": outcome.event,
        "event_accepted": outcome.accepted,
    }
    return JSONResponse(body, status_code=200 if outcome.duplicate else 201)
