"""Twilio's call-status callback: a finished call ends in the ledger, so late events are refused.

Twilio posts CallStatus `completed`, `busy`, `failed`, `no-answer` or `canceled` when a call is
over (the number's "Call status changes" URL, or `statusCallback` on outbound calls). Each
becomes one `call_ended` event, idempotent on (CallSid, status).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import repository as calls
from callwarden.calls.adapters.twilio import repository
from callwarden.calls.adapters.twilio.conversation import report
from callwarden.calls.adapters.twilio.recordings import UnknownCall
from callwarden.calls.adapters.twilio.webhook import TWILIO
from callwarden.kit.errors import InvalidInput

FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def call_status(session: Session, call_sid: str, status: str) -> tuple[str, bool]:
    """(call id, whether the call_ended event was accepted); non-final statuses change nothing."""
    if status not in FINAL | {"queued", "initiated", "ringing", "in-progress"}:
        raise InvalidInput(f"unknown CallStatus {status[:40]!r}")
    found = calls.by_external_id(session, repository.PROVIDER, call_sid)
    if found is None:
        raise UnknownCall(f"no call has Twilio CallSid {call_sid}")
    if status not in FINAL:
        return found.id, False
    call = calls.get(session, found.id, lock=True) or found
    accepted = report(session, call, f"twilio:call-status:{call_sid}:{status}", "call_ended")
    audit.record(
        session,
        actor=TWILIO.actor,
        action="twilio.call_status",
        target=f"call:{call.id}",
        data={"call_sid": call_sid, "status": status, "accepted": accepted},
    )
    return call.id, accepted
