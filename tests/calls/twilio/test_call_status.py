"""Call-status callbacks end the call in the ledger once; later events are refused."""

from __future__ import annotations

from tests.calls.twilio.fake import ACCOUNT, BUSINESS_TX, FakeTwilio, Ledger, sid

CALIFORNIA = {"FromCountry": "US", "FromState": "CA", "ToState": "TX"}


def call_status(twilio: FakeTwilio, call_sid: str, status: str, sign: bool = True) -> object:
    params = {
        "AccountSid": ACCOUNT,
        "CallSid": call_sid,
        "CallStatus": status,
        "CallDuration": "61",
    }
    return twilio.post(f"{twilio.public}/v1/adapters/twilio/call-status", params, sign=sign)


def test_completed_call_ends_once(twilio: FakeTwilio, ledger: Ledger) -> None:
    call_sid, _answer = twilio.voice("+14155550123", BUSINESS_TX, **CALIFORNIA)
    ringing = call_status(twilio, call_sid, "in-progress")
    assert ringing.response.json()["call_ended"] is False  # type: ignore[attr-defined]
    done = call_status(twilio, call_sid, "completed")
    assert done.status == 200 and done.response.json()["call_ended"] is True  # type: ignore[attr-defined]
    again = call_status(twilio, call_sid, "completed")
    assert again.status == 200  # type: ignore[attr-defined]
    assert ledger.detail(call_sid)["state"] == "ended"
    assert ledger.kinds(call_sid).count("call_ended") == 1
    late = twilio.recording_status(call_sid, sid("RE"), "in-progress")
    assert late.response.json()["event_accepted"] is not True


def test_call_status_needs_a_signature_and_a_known_call(twilio: FakeTwilio) -> None:
    call_sid, _answer = twilio.voice("+14155550123", BUSINESS_TX, **CALIFORNIA)
    assert call_status(twilio, call_sid, "completed", sign=False).status == 403  # type: ignore[attr-defined]
    assert call_status(twilio, sid("CA"), "completed").status == 404  # type: ignore[attr-defined]
    assert call_status(twilio, call_sid, "exploded").status == 422  # type: ignore[attr-defined]
