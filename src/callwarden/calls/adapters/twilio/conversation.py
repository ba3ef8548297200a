"""Turning a call's plan into TwiML, and reporting to the ledger what Twilio was told to do.

The adapter reports `notice_played` and `recording_started` as it hands Twilio the TwiML that
does them: it is the one that asked for them. Each event goes through the call service and its
state machine. Recording is only asked for when the machine would allow it; any other refused
step is left out of the TwiML (except a notice: hearing it never hurts) and kept as a violation.

Twilio can repeat a webhook when our answer was lost. Event ids are derived from the request
(`<prefix>:<kind>:<party>`), so a repeat writes nothing new, and the TwiML for what was already
reported is rebuilt from the ledger, so the repeat gets the same answer: the caller still hears
the notice Twilio never played the first time.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from callwarden.calls import machine, repository, service
from callwarden.calls.adapters.twilio import twiml
from callwarden.calls.adapters.twilio.twiml import Links
from callwarden.calls.adapters.twilio.webhook import TWILIO
from callwarden.calls.schemas import CallCreate, EventIn, EventKind
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.models import Call
from callwarden.policy import service as policies

VOICE = "twilio-voice"
MAX_PROMPTS = 2
_DIGIT = re.compile(r"[0-9*#A-D]")
_KINDS = {
    "play_notice": "notice_played",
    "start_recording": "recording_started",
    "stop_recording": "recording_stopped",
}


def answer_call(session: Session, facts: CallCreate, links: Links) -> str:
    """Create (or find again) the call and answer the TwiML for its plan."""
    call = service.create_call(session, TWILIO, facts).call
    response = VoiceResponse()
    _replay(session, call, VOICE, response, links)
    _perform(session, call, VOICE, response, links)
    return twiml.render(response)


def answer_consent(
    session: Session,
    call_sid: str,
    call_id: str,
    party: str,
    digits: str,
    attempt: int,
    links: Links,
) -> str:
    """Record the caller's keypress as consent given or declined, then continue the plan."""
    call = service.get_call(session, TWILIO, call_id)
    if call.source != "twilio" or call.external_id != call_sid:
        raise InvalidInput(f"call {call_id!r} is not the Twilio call {call_sid!r}")
    prefix = f"twilio-consent-{party}"
    response = VoiceResponse()
    _replay(session, call, prefix, response, links)
    step = next(
        (
            s
            for s in call.plan.get("steps", [])
            if s["action"] == "gather_consent" and s["party"] == party
        ),
        None,
    )
    if step is not None:
        accepted = _meaning(step, digits)
        if accepted is None and attempt < MAX_PROMPTS:
            twiml.gather_consent(response, step, links.consent(call.id, party, attempt + 1))
            return twiml.render(response)
        kind: EventKind = "consent_given" if accepted else "consent_declined"
        reason = None
        if accepted is None:
            reason = f"no valid keypress after {attempt} prompts (pressed {digits[:8]!r})"
        report(
            session,
            call,
            f"{prefix}:{kind}",
            kind,
            party=party,
            method="dtmf",
            digit=digits if _DIGIT.fullmatch(digits) else None,
            script_id=step["script_id"],
            reason=reason,
        )
    _perform(session, call, prefix, response, links)
    return twiml.render(response)


def _meaning(step: dict[str, Any], digits: str) -> bool | None:
    """True for the accept digit, False for the decline digit, None for anything else."""
    if digits and digits == step.get("digit"):
        return True
    if digits and digits == step.get("decline_digit"):
        return False
    return None


def _perform(
    session: Session, call: Call, prefix: str, response: VoiceResponse, links: Links
) -> None:
    """Walk the plan's steps, reporting each and adding its TwiML, until Twilio must wait."""
    for step in list(call.plan.get("steps", [])):
        action, party = step["action"], step.get("party")
        event_id = f"{prefix}:{_KINDS.get(action, action)}:{party or 'call'}"
        if action == "gather_consent":
            twiml.gather_consent(response, step, links.consent(call.id, step["party"], 1))
            return  # the consent action continues the plan once the caller answers
        if action == "end_call":
            response.hangup()
            return
        if action == "play_notice":
            report(
                session, call, event_id, "notice_played", party=party, script_id=step["script_id"]
            )
            twiml.say(response, step["text"], step["language"])
        elif action == "start_recording":
            # Asked for only when the state machine allows it now: the plan starts recording
            # first where the notice may be on the recording, and after consent elsewhere.
            blocked = machine.recording_blockers(call)
            if not blocked and report(session, call, event_id, "recording_started"):
                twiml.start_recording(response, call.id, links)
        elif action == "stop_recording" and report(
            session, call, event_id, "recording_stopped", reason=step.get("reason")
        ):
            twiml.stop_recording(response, call.id)
        # do_not_record needs nothing; pause, resume and discard are not TwiML (the Recordings
        # API client and intake handle them).
    if links.next:
        response.redirect(links.next, method="POST")


def _replay(
    session: Session, call: Call, prefix: str, response: VoiceResponse, links: Links
) -> None:
    """Rebuild the TwiML for what an earlier delivery of this same request already reported."""
    scripts: dict[str, tuple[str, str]] | None = None
    for event in repository.events(session, call.id):
        if not event.accepted or not event.client_event_id.startswith(prefix + ":"):
            continue
        if event.kind == "notice_played":
            scripts = scripts if scripts is not None else _notice_scripts(session, call)
            if event.script_id in scripts:
                language, text = scripts[event.script_id]
                twiml.say(response, text, language)
        elif event.kind == "recording_started":
            twiml.start_recording(response, call.id, links)
        elif event.kind == "recording_stopped":
            twiml.stop_recording(response, call.id)


def _notice_scripts(session: Session, call: Call) -> dict[str, tuple[str, str]]:
    """Notice script id → (language, text), under the policy version the call was decided by."""
    document = policies.compiled_version(session, call.policy_version).document
    return {
        scripts.notice.id: (language, scripts.notice.text)
        for language, scripts in document.scripts.items()
        if scripts.notice is not None
    }


def report(session: Session, call: Call, event_id: str, kind: EventKind, **fields: Any) -> bool:
    """Report one event once; False (with the violation kept) when the state machine refuses.

    The refused event is rolled back to a savepoint, so the rest of the request's work (the
    TwiML's other steps, a stored recording status) still commits alongside the violation.
    """
    existing = repository.event_by_client_id(session, call.id, event_id)
    if existing is not None:
        return existing.accepted
    event = EventIn(event_id=event_id, kind=kind, occurred_at=clock.now(), **fields)
    try:
        with session.begin_nested():
            service.record_event(session, TWILIO, call.id, event)
    except service.EventRefused as refusal:
        service.record_violation(session, TWILIO, call.id, event, refusal.detail)
        return False
    return True
