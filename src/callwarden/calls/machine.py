"""The call's state machine: which events are allowed now, and what each one changes.

Pure logic over the call and its parties (no database access): `apply` either accepts an event
and updates the call, or refuses it with a reason a person can act on. The service keeps
refused events as violations, so the audit checks can count them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from callwarden.calls.plan import present, records_with_notice
from callwarden.calls.schemas import EventIn
from callwarden.models import Call, CallParty

MAX_FUTURE_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    reason: str
    redecide: bool = False
    pause_exceeded: bool = False


def ok(reason: str, **extra: bool) -> Verdict:
    return Verdict(True, reason, **extra)


def refuse(reason: str) -> Verdict:
    return Verdict(False, reason)


def apply(
    call: Call, event: EventIn, now: datetime, tolerance: timedelta = timedelta(0)
) -> Verdict:
    """Accept (and apply) or refuse one event.

    Events come in time order. The first ones may be dated up to `tolerance` (the policy's
    `calls.clock_tolerance_s`) before the call began: the phone system's clock is not ours, and
    many report whole seconds. A call whose last event is its start counts as having none yet.
    """
    if call.state == "ended":
        return refuse(f"the call ended at {call.ended_at}; no events are accepted after call_ended")
    if call.last_event_at == call.started_at and event.occurred_at < call.started_at:
        if event.occurred_at < call.started_at - tolerance:
            return refuse(
                f"event at {event.occurred_at.isoformat()} is before the call began at "
                f"{call.started_at.isoformat()}, by more than the policy's clock tolerance of "
                f"{tolerance.total_seconds():g} s; check the phone system's clock"
            )
    elif event.occurred_at < call.last_event_at:
        return refuse(
            f"event at {event.occurred_at.isoformat()} is out of order: the call's last "
            f"event was at {call.last_event_at.isoformat()}"
        )
    if event.occurred_at > now + MAX_FUTURE_SKEW:
        return refuse(
            "event time is more than 5 minutes in the future; check the phone system's clock"
        )
    verdict = HANDLERS[event.kind](call, event)
    if verdict.accepted:
        call.last_event_at = event.occurred_at
    return verdict


def _party(call: Call, key: str | None, event: EventIn) -> CallParty | Verdict:
    if key is None:
        return refuse(f"{event.kind} needs the party it concerns")
    for party in call.parties:
        if party.key == key:
            if party.left_at is not None:
                return refuse(f"party {key!r} left the call at {party.left_at.isoformat()}")
            return party
    known = ", ".join(p.key for p in present(call))
    return refuse(f"party {key!r} is not on this call (parties: {known})")


def _notice_played(call: Call, event: EventIn) -> Verdict:
    targets = present(call) if event.party is None else [_party(call, event.party, event)]
    for target in targets:
        if isinstance(target, Verdict):
            return target
    for party in targets:
        assert isinstance(party, CallParty)
        party.notice_at = party.notice_at or event.occurred_at
        party.notice_script_id = event.script_id or party.notice_script_id
        if (
            call.consent_level == "implied"
            and party.role != "agent"
            and party.consent_status == "pending"
        ):
            party.consent_status = "implied"
            party.consent_at = event.occurred_at
            party.consent_method = "implied"
    return ok("notice recorded")


def _consent_given(call: Call, event: EventIn) -> Verdict:
    party = _party(call, event.party, event)
    if isinstance(party, Verdict):
        return party
    if party.consent_status == "withdrawn":
        return refuse(
            f"party {party.key!r} withdrew consent; recording stays stopped for this call"
        )
    if party.needs_notice and party.notice_at is None and not call.notice_must_be_recorded:
        return refuse(
            f"party {party.key!r} gave consent before hearing the notice; play the notice first"
        )
    party.consent_status = "given"
    party.consent_at = event.occurred_at
    party.consent_method = event.method or "dtmf"
    if call.halted == "declined" and not any(p.consent_status == "declined" for p in present(call)):
        call.halted = None
    return ok("consent recorded")


def _consent_declined(call: Call, event: EventIn) -> Verdict:
    party = _party(call, event.party, event)
    if isinstance(party, Verdict):
        return party
    party.consent_status = "declined"
    party.consent_at = event.occurred_at
    party.consent_method = event.method or "dtmf"
    call.halted = "declined"
    return ok("consent declined: recording must not start, or must stop")


def _consent_withdrawn(call: Call, event: EventIn) -> Verdict:
    party = _party(call, event.party, event)
    if isinstance(party, Verdict):
        return party
    if party.consent_status not in {"given", "implied", "not_needed"}:
        return refuse(
            f"party {party.key!r} has no consent to withdraw (status {party.consent_status})"
        )
    party.consent_status = "withdrawn"
    party.consent_at = event.occurred_at
    party.consent_method = event.method or "speech"
    call.halted = "withdrawn"
    call.discard_all = call.on_withdrawal == "stop_discard_all"
    return ok("consent withdrawn: recording must stop")


def _beep_tone(call: Call, event: EventIn) -> Verdict:
    return ok("beep tone recorded")


def recording_blockers(call: Call) -> list[str]:
    """Why recording may not run now (empty when it may)."""
    if call.record_decision == "no":
        return ["the decision for this call is not to record"]
    if call.halted:
        return [f"consent was {call.halted}"]
    blockers = []
    with_notice = records_with_notice(call) or call.notice_must_be_recorded
    for party in present(call):
        if party.needs_notice and party.notice_at is None and not with_notice:
            blockers.append(f"party {party.key!r} has not heard the notice")
        if party.needs_consent and party.consent_status != "given":
            blockers.append(f"party {party.key!r} has not given consent ({party.consent_status})")
    return blockers


def _recording_started(call: Call, event: EventIn) -> Verdict:
    if call.recording_state in {"recording", "paused"}:
        return refuse(f"recording is already {call.recording_state}")
    blockers = recording_blockers(call)
    if blockers:
        return refuse("recording may not start: " + "; ".join(blockers))
    call.recording_state = "recording"
    return ok("recording started")


def _recording_paused(call: Call, event: EventIn) -> Verdict:
    if call.recording_state != "recording":
        return refuse(f"recording is {call.recording_state}, so it cannot be paused")
    if not event.reason:
        return refuse("a pause needs a reason (e.g. payment)")
    if event.max_duration_s is not None and event.max_duration_s > call.max_pause_s:
        return refuse(
            f"a pause of {event.max_duration_s} s is longer than the policy's "
            f"{call.max_pause_s} s maximum"
        )
    call.recording_state = "paused"
    call.paused_at = event.occurred_at
    return ok("recording paused")


def _recording_resumed(call: Call, event: EventIn) -> Verdict:
    if call.recording_state != "paused":
        return refuse(f"recording is {call.recording_state}, so it cannot be resumed")
    blockers = recording_blockers(call)
    if blockers:
        return refuse("recording may not resume: " + "; ".join(blockers))
    assert call.paused_at is not None
    exceeded = (event.occurred_at - call.paused_at).total_seconds() > call.max_pause_s
    call.recording_state = "recording"
    call.paused_at = None
    return ok("recording resumed", pause_exceeded=exceeded)


def _recording_stopped(call: Call, event: EventIn) -> Verdict:
    if call.recording_state not in {"recording", "paused"}:
        return refuse(f"recording is {call.recording_state}, so it cannot be stopped")
    call.recording_state = "stopped"
    call.paused_at = None
    return ok("recording stopped")


def _party_joined(call: Call, event: EventIn) -> Verdict:
    if event.new_party is None:
        return refuse(f"{event.kind} needs new_party: who joined")
    if event.new_party.key and any(p.key == event.new_party.key for p in call.parties):
        return refuse(f"a party with key {event.new_party.key!r} is already on this call")
    if event.kind == "transferred" and event.party is not None:
        leaving = _party(call, event.party, event)
        if isinstance(leaving, Verdict):
            return leaving
        leaving.left_at = event.occurred_at
    return ok(f"{event.kind}: decision re-run with the new party", redecide=True)


def _party_left(call: Call, event: EventIn) -> Verdict:
    party = _party(call, event.party, event)
    if isinstance(party, Verdict):
        return party
    party.left_at = event.occurred_at
    return ok("party left")


def _call_ended(call: Call, event: EventIn) -> Verdict:
    call.state = "ended"
    call.ended_at = event.occurred_at
    if call.recording_state in {"recording", "paused"}:
        call.recording_state = "stopped"
    return ok("call ended")


HANDLERS: dict[str, Callable[[Call, EventIn], Verdict]] = {
    "notice_played": _notice_played,
    "consent_given": _consent_given,
    "consent_declined": _consent_declined,
    "consent_withdrawn": _consent_withdrawn,
    "beep_tone": _beep_tone,
    "recording_started": _recording_started,
    "recording_paused": _recording_paused,
    "recording_resumed": _recording_resumed,
    "recording_stopped": _recording_stopped,
    "party_joined": _party_joined,
    "transferred": _party_joined,
    "party_left": _party_left,
    "call_ended": _call_ended,
}
