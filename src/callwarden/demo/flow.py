"""How a demo call unfolds: set-up by the plan, a conversation, then the moments the ledger keeps.

The set-up follows whatever plan the service answers (so a German caller is asked for consent
before anyone is recorded and a Californian hears the notice on the recording), which keeps the
demo true to the policy and the law as they are, not as this file assumes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callwarden.db import Database
from callwarden.demo.audio import RATE, Signal, spoken
from callwarden.demo.phone import AGENT, CUSTOMER, PhoneCall, PlayedCall
from callwarden.demo.scenarios import AGENT_JURISDICTION, Scenario
from callwarden.demo.talk import CUES, VOICES, WITHDRAW, conversation
from callwarden.identity.principal import Principal

IVR_VOICE = {"en": "en-us", "de": "de", "fr": "fr"}
SECOND_AGENT_VOICE = {"en": "en-us+m1", "de": "de+m3", "fr": "fr+m4"}
SETUP_STEPS = 12  # more than any plan needs; a plan that never settles stops here


def play(
    db: Database, pbx: Principal, scenario: Scenario, prompts: Mapping[str, Signal]
) -> PlayedCall:
    """Play `scenario` through the services; what was recorded comes back as clips."""
    call = PhoneCall(db, pbx, scenario)
    call.create()
    if scenario.defect == "early_recording":
        call.start_recording()  # before consent: refused, and kept as a violation
    _set_up(call, prompts)
    if call.recording_since is not None:
        _converse(call)
    else:
        call.at_s += scenario.talk_s  # talked, unrecorded
    call.stop_recording()
    call.send("call_ended")
    call.played.ended_at = call.moment()
    return call.played


def _set_up(call: PhoneCall, prompts: Mapping[str, Signal]) -> None:
    skipped: set[str] = set()
    for _ in range(SETUP_STEPS):
        step = _next_step(call.steps(), skipped)
        if step is None or step["action"] in {"do_not_record", "end_call"}:
            return
        action = step["action"]
        if action == "start_recording":
            call.start_recording()
            if call.recording_since is None:
                return
        elif action == "play_notice":
            if call.scenario.defect == "notice_unreported":
                skipped.add(step["party"])  # the phone system never plays nor reports it
                continue
            _notice(call, step, prompts[step["script_id"]])
        elif action == "gather_consent":
            _gather(call, step)
        elif action == "stop_recording":
            call.send("recording_stopped")
            call.stop_recording()
        else:
            return


def _next_step(steps: list[dict[str, Any]], skipped: set[str]) -> dict[str, Any] | None:
    """The first step the phone system can take now (a start that waits for consent can't)."""
    for step in steps:
        if step["action"] == "play_notice" and step["party"] in skipped:
            continue
        if step["action"] == "start_recording" and step.get("after"):
            continue
        return step
    return None


def _notice(call: PhoneCall, step: dict[str, Any], prompt: Signal) -> None:
    call.send("notice_played", party=step["party"], script_id=step["script_id"])
    if call.scenario.defect != "notice_silent":  # a silent prompt file: reported, never heard
        call.capture(AGENT, prompt)
    call.at_s += prompt.size / RATE + 0.6


def _gather(call: PhoneCall, step: dict[str, Any]) -> None:
    language = step.get("language") or "en"
    question = spoken(step["text"], IVR_VOICE.get(language, "en-us"))
    call.capture(AGENT, question)
    call.at_s += question.size / RATE + call.rng.uniform(0.8, 2.5)
    party = step["party"]
    if call.scenario.consent == "decline":
        call.send("consent_declined", party=party, method="dtmf", digit=step["decline_digit"])
        call.keys(step["decline_digit"])
    else:
        call.send("consent_given", party=party, method="dtmf", digit=step["digit"])
        call.keys(step["digit"])


def _converse(call: PhoneCall) -> None:
    scenario = call.scenario
    language = scenario.language if scenario.language in VOICES else "en"
    customer_voice, agent_voice = VOICES[language]
    lines = conversation(call.rng, language, scenario.talk_s)
    middle = max(1, len(lines) // 2)
    for index, line in enumerate(lines):
        if index == middle and scenario.payment_pause:
            _payment(call, agent_voice)
        if index == middle and scenario.transfer_to:
            call.say(AGENT, CUES["transfer"], agent_voice, (1.0, 3.0))
            new_party = {"key": "agent-2", "role": "agent", "jurisdiction": AGENT_JURISDICTION}
            if call.send("transferred", party=call.agent_key, new_party=new_party):
                call.agent_key = "agent-2"
                agent_voice = SECOND_AGENT_VOICE[language]
        if index == middle and scenario.consent == "withdraw" and call.recording_since is not None:
            call.say(CUSTOMER, WITHDRAW[language], customer_voice, (0.3, 0.8))
            call.send("consent_withdrawn", party="customer", method="speech")
            call.send("recording_stopped")
            call.stop_recording()
        if line.speaker == "customer":
            call.say(CUSTOMER, line.text, customer_voice, (0.3, 1.2))
        else:
            call.say(AGENT, line.text, agent_voice, (0.3, 1.2))


def _payment(call: PhoneCall, agent_voice: str) -> None:
    """The secure pause: silence on the recording while card details are taken, unless keys
    pressed on the customer's phone leak past the pause (the seeded defect)."""
    call.say(AGENT, CUES["pause"], agent_voice, (0.5, 1.0))
    if not call.send("recording_paused", reason="payment"):
        return
    call.paused = True
    call.at_s += call.rng.uniform(4.0, 8.0)
    if call.scenario.defect == "keys_in_pause":
        call.keys("4111111111111111", leak=True)
    call.at_s += call.rng.uniform(12.0, 30.0)
    call.send("recording_resumed")
    call.paused = False
    call.at_s += call.rng.uniform(0.6, 1.2)  # speech held open past the cue must not reach it
    call.say(AGENT, CUES["resumed"], agent_voice, (0.4, 1.0))
