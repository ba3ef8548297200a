"""Recording-status callbacks: what Twilio says became of a recording, kept and mapped into calls.

Each (RecordingSid, RecordingStatus) is stored once, as a `ProviderRecording` row; a replayed
callback finds its row and writes nothing. Completed rows are what the vault's fetch job later
downloads through intake: this module never touches the audio. Where the status changes what the
ledger should say (a recording Twilio started that the call does not show, or one that ended
while the call still shows it running), the matching event goes through the state machine, so a
recording that should not exist is refused and kept as a violation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import repository as calls
from callwarden.calls.adapters.twilio import repository
from callwarden.calls.adapters.twilio.conversation import report
from callwarden.calls.adapters.twilio.params import RecordingStatusIn
from callwarden.calls.adapters.twilio.webhook import TWILIO
from callwarden.calls.schemas import EventKind
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import Call, ProviderRecording

# Twilio's reasons for an `absent` recording (support.twilio.com, article 360014251313).
ABSENT_REASONS = {"16101": "the recording was too short", "16102": "the recording was silent"}


class UnknownCall(NotFound):
    code, title = "unknown_call", "Unknown call"


@dataclass(frozen=True, slots=True)
class StatusOutcome:
    call_id: str
    duplicate: bool
    event: str | None = None
    accepted: bool | None = None


def record_status(
    session: Session, status: RecordingStatusIn, raw: dict[str, str]
) -> StatusOutcome:
    """Store the status once, audit it, and bring the call's ledger in line with it."""
    found = calls.by_external_id(session, repository.PROVIDER, status.call_sid)
    if found is None:
        raise UnknownCall(
            f"no call has Twilio CallSid {status.call_sid}: calls reach callwarden through the "
            "voice webhook first, so this recording is not governed by any decision"
        )
    call = calls.get(session, found.id, lock=True) or found  # serialises replays of one call
    if repository.recording_status(session, status.recording_sid, status.status) is not None:
        return StatusOutcome(call.id, duplicate=True)
    repository.add(
        session,
        ProviderRecording(
            call_id=call.id,
            provider=repository.PROVIDER,
            recording_sid=status.recording_sid,
            status=status.status,
            media_url=status.url,
            duration_s=status.duration_s,
            channels=status.channels,
            received_at=clock.now(),
            fetch_attempts=0,
            raw=raw,
        ),
    )
    kind, accepted = _into_call(session, call, status)
    audit.record(
        session,
        actor=TWILIO.actor,
        action="twilio.recording_status",
        target=f"call:{call.id}",
        reason=_why(status),
        data={
            "recording_sid": status.recording_sid,
            "status": status.status,
            "duration_s": status.duration_s,
            "channels": status.channels,
            "error_code": status.error_code,
            "source": status.source,
            "event": kind,
            "event_accepted": accepted,
        },
    )
    return StatusOutcome(call.id, duplicate=False, event=kind, accepted=accepted)


def _into_call(
    session: Session, call: Call, status: RecordingStatusIn
) -> tuple[EventKind | None, bool | None]:
    """The call event this status implies, if the ledger does not already say so."""
    if call.state != "active":
        return None, None  # call_ended already stopped the recording in the ledger
    event_id = f"twilio-recording-{status.recording_sid}:{status.status}"
    if status.status == "in-progress" and call.recording_state in {"idle", "stopped"}:
        return "recording_started", report(session, call, event_id, "recording_started")
    if status.status != "in-progress" and call.recording_state in {"recording", "paused"}:
        reason = f"Twilio reported the recording {status.status}"
        stopped = report(session, call, event_id, "recording_stopped", reason=reason)
        return "recording_stopped", stopped
    return None, None


def _why(status: RecordingStatusIn) -> str | None:
    code = status.error_code if status.error_code not in (None, "0") else None
    if status.status == "absent":
        why = ABSENT_REASONS.get(code or "", f"error {code}" if code else "no reason given")
        return f"Twilio kept no audio: {why}"
    if status.status == "failed":
        return f"Twilio could not store the recording{f' (error {code})' if code else ''}"
    return None


def audit_unknown_call(session: Session, status: RecordingStatusIn, reason: str) -> None:
    """A signed callback for a call we never saw: keep it where an auditor looks (the route
    writes it in a separate unit of work, as the callback itself is refused)."""
    audit.record(
        session,
        actor=TWILIO.actor,
        action="twilio.unknown_call",
        target=f"twilio-call:{status.call_sid}",
        reason=reason,
        data={"recording_sid": status.recording_sid, "status": status.status},
    )
