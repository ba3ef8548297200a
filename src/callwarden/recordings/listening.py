"""Listening in the console: the reason is given once, recorded, and later requests name it.

A browser's player asks for the audio many times (a first range, then one per seek), and it
cannot send a reason with each. So the console asks for the reason first: `grant_listening`
checks exactly what a play checks (the recording is in sight, the reason is long enough, this
principal may listen, the key still exists) and records the reason as an audit event. The
console then hands the player a short-lived grant naming that event; each audio request gives
the grant back, `granted_reason` finds the event again (same person, same recording, not too
old) and the request is played and audited like the API's, with that reason.

The access log of a recording is the audit trail's events about it, for the oversight roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callwarden.analysis.audio import decode
from callwarden.analysis.energy import EnergyProfile, energy_profile
from callwarden.audit import service as audit
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.pagination import Slice
from callwarden.models import AuditEvent
from callwarden.recordings import service
from callwarden.vault.runtime import Vault

GRANTED = "recording.listening_granted"
# A grant lasts this long beyond the recording's own duration: enough to listen and seek.
GRANT_MARGIN = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ListeningGrant:
    recording_id: str
    seq: int  # the audit event that holds the reason
    expires_at: datetime


def grant_listening(
    session: Session, principal: Principal, recording_id: str, reason: str | None
) -> ListeningGrant:
    """Check that this principal may play the recording, and record why they will listen.

    The reason covers the audio and the energy picture drawn from it (both are the recording's
    sound); each range the player then fetches is audited again as `recording.played`.
    """
    recording, why, verdict, _wrapped = service.authorise(
        session, principal, recording_id, reason, export=False
    )
    expires_at = clock.now() + GRANT_MARGIN + timedelta(seconds=recording.duration_s)
    recorded = audit.record(
        session,
        actor=principal.actor,
        action=GRANTED,
        target=f"recording:{recording.id}",
        reason=why,
        data={
            "role": principal.role.value,
            "basis": verdict.reason,
            "covers": ["audio", "energy picture"],
            "via": "console",
            "expires_at": expires_at.isoformat(),
        },
    )
    return ListeningGrant(recording.id, recorded.seq, expires_at)


def granted_reason(
    session: Session, principal: Principal, recording_id: str, seq: int
) -> str | None:
    """The reason this principal gave for listening to this recording, if the event `seq`
    records it and has not expired; None otherwise (the caller refuses to play)."""
    event = audit.event(session, seq)
    if (
        event is None
        or event.action != GRANTED
        or event.actor != principal.actor
        or event.target != f"recording:{recording_id}"
        or not event.reason
    ):
        return None
    expires = event.data.get("expires_at")
    if not isinstance(expires, str) or datetime.fromisoformat(expires) <= clock.now():
        return None
    return event.reason


def access_log(
    session: Session, principal: Principal, recording_id: str, cursor: str | None, limit: int
) -> Slice[AuditEvent]:
    """Everything the audit trail holds about a recording (plays, exports, reasons given,
    refused attempts, flags, checks), oldest first, for those who may read access logs."""
    require(principal, "recordings.access_log")
    recording = service.get_visible(session, principal, recording_id)
    where = audit.EventFilter(target=f"recording:{recording.id}")
    return audit.find(session, where, cursor, limit)


# The picture is drawn from the whole decoded recording, in memory: longer ones are not drawn.
ENERGY_MAX_BYTES = 64 * 1024 * 1024


def energy(
    session: Session,
    vault: Vault,
    principal: Principal,
    recording_id: str,
    reason: str,
    verify_whole_bytes: int = 0,
) -> EnergyProfile | None:
    """Each channel's loudness over time, decoded from the audio under the same checks as a
    play (the caller passes the reason `granted_reason` found); None if too long to draw."""
    playback = service.open_audio(
        session, vault, principal, recording_id, reason, None, False, verify_whole_bytes
    )
    if playback.size > ENERGY_MAX_BYTES:
        return None
    return energy_profile(decode(b"".join(playback.body)))
