"""The call plan: the ordered steps a phone system must take now, in a neutral JSON form.

Any PBX integration can follow it: play a notice, gather a keypress, start, stop or never start
recording. It is rebuilt from the call's current state after every event, so it always says
what is still outstanding, and its version goes up whenever the steps change.
"""

from __future__ import annotations

from typing import Any

from callwarden.decisions.compiled import CompiledPolicy
from callwarden.models import Call, CallParty

Step = dict[str, Any]


def present(call: Call) -> list[CallParty]:
    return [party for party in call.parties if party.left_at is None]


def _language(party: CallParty, policy: CompiledPolicy, fallback: str | None) -> str:
    scripts = policy.document.scripts
    for candidate in (party.language, (party.language or "").split("-")[0], fallback):
        if candidate and candidate in scripts:
            return candidate
    return policy.document.default_language


def records_with_notice(call: Call) -> bool:
    """Whether recording may begin with the notice rather than wait for consent.

    Where the decision records with a notice (one-party rules, and all-party rules that accept
    a notice followed by staying on the line), recording starts first so that the notice is on
    the recording and the audio check can prove it was played. Where explicit consent is needed,
    nobody is recorded before agreeing, even where the notice itself must be on the recording
    (WA, CT): the consent given satisfies those states' affirmative-consent form as well.
    """
    return call.record_decision == "yes" and call.consent_level != "explicit"


def build(call: Call, policy: CompiledPolicy, notice_language: str | None) -> list[Step]:
    """Steps still to take, in order."""
    if call.state == "ended":
        return []
    running = call.recording_state in {"recording", "paused"}
    if call.record_decision == "no":
        reason = "the decision for this call is not to record"
        return (
            [{"action": "stop_recording", "discard": False, "reason": reason}]
            if running
            else [{"action": "do_not_record", "reason": reason}]
        )
    if call.halted:
        return _halted_steps(call)
    steps: list[Step] = []
    idle = call.recording_state in {"idle", "stopped"}
    waiting = [p.key for p in present(call) if p.needs_consent and p.consent_status != "given"]
    if call.recording_state == "recording" and waiting:
        steps.append(
            {
                "action": "pause_recording",
                "reason": f"waiting for consent from {', '.join(waiting)}",
            }
        )
    record_notice = records_with_notice(call)
    unheard = [p for p in present(call) if p.needs_notice and p.notice_at is None]
    if record_notice and idle:
        why = (
            "the notice must be on the recording"
            if call.notice_must_be_recorded
            else "recording may begin with the notice"
        )
        steps.append(
            {
                "action": "start_recording",
                "reason": f"{why}: start first so the notice is captured and provable"
                if unheard
                else "the decision is to record",
            }
        )
    for party in present(call):
        if party.needs_notice and party.notice_at is None:
            language = _language(party, policy, notice_language)
            script = policy.document.scripts[language].notice
            if script is not None:
                steps.append(
                    {
                        "action": "play_notice",
                        "party": party.key,
                        "text": script.text,
                        "language": language,
                        "script_id": script.id,
                    }
                )
    for party in present(call):
        if party.needs_consent and party.consent_status == "pending":
            language = _language(party, policy, notice_language)
            consent = policy.document.scripts[language].consent
            if consent is not None:
                steps.append(
                    {
                        "action": "gather_consent",
                        "party": party.key,
                        "method": consent.method,
                        "digit": consent.accept_digit,
                        "decline_digit": consent.decline_digit,
                        "timeout_s": consent.timeout_s,
                        "text": consent.text,
                        "language": language,
                        "script_id": consent.id,
                    }
                )
    if idle and not record_notice:
        step: Step = {"action": "start_recording", "reason": "consent was given"}
        if waiting:
            step["after"] = "consent"
            step["reason"] = (
                f"recording must wait for explicit consent from {', '.join(waiting)}: the "
                f"{call.governing_rule} rule for this call needs it before anyone is recorded"
            )
        steps.append(step)
    elif call.recording_state == "paused" and waiting:
        steps.append(
            {
                "action": "resume_recording",
                "after": "consent",
                "reason": f"recording stays paused until consent from {', '.join(waiting)}: the "
                f"{call.governing_rule} rule for this call needs explicit consent",
            }
        )
    return steps


def _halted_steps(call: Call) -> list[Step]:
    steps: list[Step] = []
    if call.recording_state in {"recording", "paused"}:
        steps.append(
            {
                "action": "stop_recording",
                "discard": call.discard_all,
                "reason": f"consent was {call.halted}",
            }
        )
    elif call.discard_all:
        steps.append({"action": "discard_recording", "reason": f"consent was {call.halted}"})
    if call.halted == "declined" and call.on_decline == "end_call":
        steps.append(
            {"action": "end_call", "reason": "the policy ends calls whose recording is declined"}
        )
    if not steps:
        steps.append({"action": "do_not_record", "reason": f"consent was {call.halted}"})
    return steps


def document(call: Call, steps: list[Step]) -> dict[str, Any]:
    """The plan as sent to the phone system."""
    pause = {"max_pause_s": call.max_pause_s, "reason": "payment"} if call.secure_pause else None
    return {
        "call_id": call.id,
        "decision_id": call.decision_id,
        "version": call.plan_version,
        "record": call.record_decision,
        "consent": call.consent_level,
        "steps": steps,
        "secure_pause": pause,
    }
