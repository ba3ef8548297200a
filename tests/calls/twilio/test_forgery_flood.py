"""A flood of forged webhooks writes one audit event per address and window, with a count."""

from __future__ import annotations

from datetime import timedelta

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.calls.twilio.fake import (
    ACCOUNT,
    BUSINESS_TX,
    PUBLIC,
    FakeTwilio,
    audit_actions,
    head_seq,
)
from tests.identity.conftest import audited

VOICE = f"{PUBLIC}/v1/adapters/twilio/voice"
CALLER = {"AccountSid": ACCOUNT, "From": "+14155550123", "To": BUSINESS_TX}
REJECTED = ("twilio.signature_rejected", "twilio.signature_rejected.repeated")


def test_thirty_forgeries_write_a_bounded_number_of_events(
    twilio: FakeTwilio, db: Database, twilio_settings: Settings
) -> None:
    forged = FakeTwilio(twilio.client, token="not-the-auth-token")
    seq = head_seq(db)
    with clock.frozen_at(clock.now()):
        for n in range(30):
            answer = forged.post(VOICE, {**CALLER, "CallSid": f"CA{n:032x}"})
            assert answer.status == 403
        assert audit_actions(db, after_seq=seq) == ["twilio.signature_rejected"]
        clock.advance(timedelta(seconds=twilio_settings.refusal_audit_window_seconds))
        assert forged.post(VOICE, {**CALLER, "CallSid": "CA" + "f" * 32}).status == 403
    events = audited(db, *REJECTED)
    assert [(action, data["count"]) for action, _r, data in events] == [
        ("twilio.signature_rejected", 1),
        ("twilio.signature_rejected.repeated", 29),
        ("twilio.signature_rejected", 1),
    ]
    assert "X-Twilio-Signature does not match" in next(iter(events[1][2]["reasons"]))
