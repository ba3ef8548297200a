"""The voice webhook: a call from Twilio becomes a governed call, answered with TwiML for its plan."""

from __future__ import annotations

from urllib.parse import urlencode

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.calls.twilio.fake import (
    BUSINESS_TX,
    HR_LINE,
    PUBLIC,
    FakeTwilio,
    Ledger,
    counts,
    query_of,
)
from tests.support.policies import as_text, example_data

POLICY = example_data()
NOTICE_EN = POLICY["scripts"]["en"]["notice"]["text"]
NOTICE_DE = POLICY["scripts"]["de"]["notice"]["text"]
CONSENT_DE = POLICY["scripts"]["de"]["consent"]["text"]
CALIFORNIA = {"FromCountry": "US", "FromState": "CA", "ToCountry": "US", "ToState": "TX"}
GERMANY = {"FromCountry": "DE", "FromCity": "Berlin", "ToCountry": "US", "ToState": "TX"}
STATUS_URL = f"{PUBLIC}/v1/adapters/twilio/recording-status"


def test_californian_caller_hears_the_notice_and_is_recorded(
    twilio: FakeTwilio, ledger: Ledger
) -> None:
    call_sid, answer = twilio.voice("+14155550123", BUSINESS_TX, **CALIFORNIA)
    # California accepts notice-and-continue: recording begins with the notice, so it is on
    # the recording and the audio check can prove it was played.
    assert answer.verbs() == ["Start", "Say"]
    say = answer.find("Say")
    assert (say.text, say.attrib) == (NOTICE_EN, {"language": "en-US"})
    call_id = ledger.call_id(call_sid)
    assert answer.find("Start/Recording").attrib == {
        "name": f"callwarden-{call_id}",
        "channels": "dual",
        "track": "both",
        "recordingStatusCallback": STATUS_URL,
        "recordingStatusCallbackMethod": "POST",
        "recordingStatusCallbackEvent": "in-progress completed absent",
    }
    detail = ledger.detail(call_sid)
    assert (detail["source"], detail["external_id"], detail["direction"]) == (
        "twilio",
        call_sid,
        "inbound",
    )
    assert detail["recording_state"] == "recording"
    assert [(e["kind"], e["reported_by"]) for e in detail["events"]] == [
        ("recording_started", "twilio:webhook"),
        ("notice_played", "twilio:webhook"),
    ]
    evidence = ledger.consent(call_sid)
    customer, agent = evidence["parties"]
    assert (customer["role"], customer["jurisdiction"]) == ("customer", "US-CA")
    assert customer["notice"]["script_id"] == "notice-en-v3"
    assert customer["consent"]["status"] == "implied"
    assert (agent["role"], agent["jurisdiction"]) == ("agent", "US-TX")
    assert evidence["violations"] == []
    assert [r["kind"] for r in evidence["recording"]] == ["recording_started"]


def test_a_repeated_webhook_finds_the_same_call_and_gets_the_same_twiml(
    twilio: FakeTwilio, ledger: Ledger, db: Database
) -> None:
    call_sid, first = twilio.voice("+14155550123", BUSINESS_TX, **CALIFORNIA)
    before = counts(db)
    _, again = twilio.voice("+14155550123", BUSINESS_TX, CallSid=call_sid, **CALIFORNIA)
    assert again.response.text == first.response.text
    assert counts(db).events == before.events
    assert ledger.kinds(call_sid) == ["recording_started", "notice_played"]


def test_german_caller_presses_1_and_is_recorded(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, answer = twilio.voice("+4930123456", BUSINESS_TX, **GERMANY)
    assert answer.verbs() == ["Say", "Gather"]
    assert (answer.find("Say").text, answer.find("Say").attrib["language"]) == (NOTICE_DE, "de-DE")
    gather = answer.find("Gather")
    assert {k: v for k, v in gather.attrib.items() if k != "action"} == {
        "input": "dtmf",
        "numDigits": "1",
        "timeout": "8",
        "method": "POST",
        "actionOnEmptyResult": "true",
    }
    prompt = answer.find("Gather/Say")
    assert (prompt.text, prompt.attrib["language"]) == (CONSENT_DE, "de-DE")
    action = answer.gather_action()
    assert action.startswith(f"{PUBLIC}/v1/adapters/twilio/consent?")
    assert query_of(action) == {
        "call": ledger.call_id(call_sid),
        "party": "customer",
        "attempt": "1",
    }
    assert ledger.kinds(call_sid) == ["notice_played"]

    pressed = twilio.press(action, call_sid, "1")
    assert pressed.verbs() == ["Start"]
    assert pressed.find("Start/Recording").attrib["recordingStatusCallback"] == STATUS_URL
    assert ledger.kinds(call_sid) == ["notice_played", "consent_given", "recording_started"]
    customer = ledger.consent(call_sid)["parties"][0]
    assert customer["jurisdiction"] == "DE"
    assert customer["consent"] == {
        "required": "explicit",
        "status": "given",
        "method": "dtmf",
        "at": customer["consent"]["at"],
    }
    assert [e["script_id"] for e in customer["evidence"]] == ["notice-de-v2", "consent-de-v2"]


def test_german_caller_presses_2_and_is_not_recorded(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, answer = twilio.voice("+4930123456", BUSINESS_TX, **GERMANY)
    declined = twilio.press(answer.gather_action(), call_sid, "2")
    assert declined.verbs() == []  # continue without recording (the policy's on_decline)
    detail = ledger.detail(call_sid)
    assert detail["recording_state"] == "idle"
    assert detail["plan"]["steps"] == [
        {"action": "do_not_record", "reason": "consent was declined"}
    ]
    assert ledger.consent(call_sid)["parties"][0]["consent"]["status"] == "declined"
    again = twilio.press(answer.gather_action(), call_sid, "2")  # Twilio retried the action
    assert again.verbs() == [] and ledger.kinds(call_sid) == ["notice_played", "consent_declined"]


def test_a_policy_that_ends_declined_calls_hangs_up(
    twilio: FakeTwilio, ledger: Ledger, db: Database
) -> None:
    strict = example_data()
    strict["consent"]["on_decline"] = "end_call"
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, as_text(strict), "policy.yaml")
    call_sid, answer = twilio.voice("+4930123456", BUSINESS_TX, **GERMANY)
    assert twilio.press(answer.gather_action(), call_sid, "2").verbs() == ["Hangup"]
    assert ledger.detail(call_sid)["plan"]["steps"][-1]["action"] == "end_call"


def test_no_keypress_asks_again_then_counts_as_declined(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, answer = twilio.voice("+4930123456", BUSINESS_TX, **GERMANY)
    silent = twilio.press(answer.gather_action(), call_sid, "")
    assert silent.verbs() == ["Gather"]
    assert query_of(silent.gather_action())["attempt"] == "2"
    assert ledger.kinds(call_sid) == ["notice_played"]
    wrong = twilio.press(silent.gather_action(), call_sid, "7")
    assert wrong.verbs() == []
    assert ledger.kinds(call_sid) == ["notice_played", "consent_declined"]
    assert ledger.consent(call_sid)["parties"][0]["consent"]["status"] == "declined"


def test_washington_caller_is_recorded_before_the_notice(
    twilio: FakeTwilio, ledger: Ledger
) -> None:
    call_sid, answer = twilio.voice(
        "+12065550100", BUSINESS_TX, FromCountry="US", FromState="WA", ToState="TX"
    )
    assert answer.verbs() == ["Start", "Say"]  # the notice must be on the recording
    assert ledger.kinds(call_sid) == ["recording_started", "notice_played"]
    assert ledger.consent(call_sid)["violations"] == []


def test_outbound_call_governs_the_called_party(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, answer = twilio.voice(
        BUSINESS_TX,
        "+4930123456",
        direction="outbound-api",
        query="queue=payments&language=de",
        FromCountry="US",
        FromState="TX",
        ToCountry="DE",
    )
    assert answer.verbs() == ["Say", "Gather"]
    detail = ledger.detail(call_sid)
    assert detail["direction"] == "outbound"
    customer, agent = detail["parties"]
    assert (customer["number"], customer["language"]) == ("+4930123456", "de")
    assert agent["number"] == BUSINESS_TX
    assert detail["decision"]["scope_rule"] == "payments"
    assert detail["plan"]["secure_pause"] == {"max_pause_s": 300, "reason": "payment"}


def test_next_continues_with_the_customers_own_twiml(twilio: FakeTwilio) -> None:
    routing = "https://pbx.example.com/route?team=support"
    _, answer = twilio.voice("+14155550123", BUSINESS_TX, query=urlencode({"next": routing}))
    assert answer.verbs() == ["Start", "Say", "Redirect"]
    redirect = answer.find("Redirect")
    assert (redirect.text, redirect.attrib) == (routing, {"method": "POST"})


def test_next_survives_the_consent_prompt(twilio: FakeTwilio) -> None:
    call_sid, answer = twilio.voice(
        "+4930123456", BUSINESS_TX, query="next=https%3A%2F%2Fpbx.example.com%2Froute", **GERMANY
    )
    assert query_of(answer.gather_action())["next"] == "https://pbx.example.com/route"
    pressed = twilio.press(answer.gather_action(), call_sid, "1")
    assert pressed.verbs() == ["Start", "Redirect"]


def test_the_hr_line_is_never_recorded(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, answer = twilio.voice("+14155550123", HR_LINE, **CALIFORNIA)
    assert answer.verbs() == []
    detail = ledger.detail(call_sid)
    assert detail["record"] == "no" and detail["events"] == []
    assert detail["decision"]["scope_rule"] == "hr-line"


def test_a_sip_caller_without_a_number_is_placed_by_the_policy(
    twilio: FakeTwilio, ledger: Ledger
) -> None:
    call_sid, answer = twilio.voice("sip:alice@pbx.example.com", BUSINESS_TX, ToState="TX")
    assert answer.status == 200
    customer = ledger.consent(call_sid)["parties"][0]
    assert (customer["jurisdiction"], customer["located"]) == (None, "unknown")


def test_a_withheld_number_is_not_read_as_a_location(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, _ = twilio.voice("+7378742833", BUSINESS_TX)
    assert ledger.detail(call_sid)["parties"][0]["number"] is None


def test_bad_input_is_refused_and_writes_nothing(twilio: FakeTwilio, db: Database) -> None:
    before = counts(db)
    _, unknown_direction = twilio.voice("+14155550123", BUSINESS_TX, direction="trunking")
    assert unknown_direction.status == 422
    assert "Direction 'trunking' is not supported" in unknown_direction.problem()["detail"]
    _, typo = twilio.voice("+14155550123", BUSINESS_TX, query="queu=payments")
    assert typo.status == 422 and "queu" in typo.problem()["detail"]
    _, no_sid = twilio.voice("+14155550123", BUSINESS_TX, CallSid="CA-not-a-sid")
    assert no_sid.status == 422 and "CallSid" in no_sid.problem()["detail"]
    assert counts(db) == before


def test_twilios_state_is_a_providers_hint_so_presumed(twilio: FakeTwilio, ledger: Ledger) -> None:
    """Twilio's FromState is where the carrier registered the number, not where the caller is."""
    call_sid, _ = twilio.voice("+12125550123", BUSINESS_TX, **CALIFORNIA)  # a New York number
    customer, agent = ledger.consent(call_sid)["parties"]
    assert (customer["jurisdiction"], customer["located"]) == ("US-CA", "presumed")
    assert (agent["jurisdiction"], agent["located"]) == ("US-TX", "presumed")


def test_a_us_caller_without_a_state_is_placed_by_area_code(
    twilio: FakeTwilio, ledger: Ledger
) -> None:
    """Country-only data must not turn a Californian number into the federal one-party rule."""
    call_sid, _ = twilio.voice("+14155550123", BUSINESS_TX, FromCountry="US")
    customer = ledger.consent(call_sid)["parties"][0]
    assert (customer["jurisdiction"], customer["located"]) == ("US-CA", "presumed")


def test_washington_caller_with_explicit_consent_records_only_after_consent(
    twilio: FakeTwilio, ledger: Ledger
) -> None:
    """A German business line makes consent explicit, while Washington wants the notice on the
    recording. The state machine wins: no recording, and no violation, until the caller agrees."""
    call_sid, answer = twilio.voice(
        "+12065550100", "+4930123456", FromCountry="US", FromState="WA", ToCountry="DE"
    )
    assert answer.verbs() == ["Say", "Gather"]
    assert ledger.consent(call_sid)["violations"] == []
    assert twilio.press(answer.gather_action(), call_sid, "1").verbs() == ["Start"]
    assert ledger.kinds(call_sid) == ["notice_played", "consent_given", "recording_started"]


def test_a_consent_answer_must_belong_to_its_call(twilio: FakeTwilio, ledger: Ledger) -> None:
    first_sid, first = twilio.voice("+4930123456", BUSINESS_TX, **GERMANY)
    other_sid, _ = twilio.voice("+4930123457", BUSINESS_TX, **GERMANY)
    crossed = twilio.press(first.gather_action(), other_sid, "1")
    assert crossed.status == 422 and "is not the Twilio call" in crossed.problem()["detail"]
    unknown = twilio.press(
        f"{PUBLIC}/v1/adapters/twilio/consent?call=call_0&party=customer", first_sid, "1"
    )
    assert unknown.status == 404
    assert ledger.kinds(first_sid) == ["notice_played"]
