"""Only Twilio may call the webhooks: forged, unsigned and tampered requests are refused and audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.calls.twilio.fake import (
    ACCOUNT,
    BUSINESS_TX,
    PUBLIC,
    FakeTwilio,
    Ledger,
    audit_actions,
    counts,
    head_seq,
    last_audit,
    sid,
)

VOICE = f"{PUBLIC}/v1/adapters/twilio/voice"
CALLER = {
    "AccountSid": ACCOUNT,
    "CallSid": "CA" + "0f" * 16,
    "From": "+14155550123",
    "To": BUSINESS_TX,
    "Direction": "inbound",
}
WEBHOOKS = [
    VOICE,
    f"{PUBLIC}/v1/adapters/twilio/consent?call=call_x&party=customer",
    f"{PUBLIC}/v1/adapters/twilio/recording-status",
]


@pytest.mark.parametrize("url", WEBHOOKS, ids=["voice", "consent", "recording-status"])
def test_a_forged_signature_is_refused_and_only_the_refusal_is_written(
    twilio: FakeTwilio, db: Database, url: str
) -> None:
    seq, before = head_seq(db), counts(db)
    forged = FakeTwilio(twilio.client, token="not-the-auth-token")
    answer = forged.post(url, {**CALLER, "RecordingSid": sid("RE"), "Digits": "1"})
    assert answer.status == 403
    problem = answer.problem()
    assert problem["code"] == "signature_rejected"
    assert "X-Twilio-Signature does not match" in problem["detail"]
    assert audit_actions(db, after_seq=seq) == ["twilio.signature_rejected"]
    assert counts(db).events == before.events and counts(db).recordings == before.recordings
    event = last_audit(db, "twilio.signature_rejected")
    assert event.actor == "twilio:unverified"
    assert event.target == f"endpoint:POST {url.removeprefix(PUBLIC).split('?')[0]}"
    assert event.data["url"] == url and event.data["call_sid"] == CALLER["CallSid"]


def test_an_unsigned_request_is_refused(twilio: FakeTwilio, db: Database, ledger: Ledger) -> None:
    answer = twilio.post(VOICE, CALLER, sign=False)
    assert answer.status == 403
    assert "no X-Twilio-Signature header" in answer.problem()["detail"]
    assert last_audit(db, "twilio.signature_rejected").reason == answer.problem()["detail"]
    assert ledger.client.get("/v1/calls", headers=ledger.headers).json()["items"] == []


def test_a_tampered_query_breaks_the_signature(twilio: FakeTwilio) -> None:
    """The queue picks the policy scope, so it is covered by the signature like the body."""
    answer = twilio.post(f"{VOICE}?queue=trading", CALLER, signed_url=f"{VOICE}?queue=support")
    assert answer.status == 403


def test_a_tampered_body_breaks_the_signature(twilio: FakeTwilio) -> None:
    signature = twilio.validator.compute_signature(VOICE, CALLER)
    response = twilio.client.post(
        "/v1/adapters/twilio/voice",
        data={**CALLER, "From": "+12065550100"},
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


def test_another_accounts_request_is_refused(twilio: FakeTwilio, db: Database) -> None:
    answer = twilio.post(VOICE, {**CALLER, "AccountSid": "AC" + "9" * 32})
    assert answer.status == 403
    assert "is not the configured Twilio account" in answer.problem()["detail"]
    assert last_audit(db, "twilio.signature_rejected").data["account_sid"] == "AC" + "9" * 32


def test_webhook_rules_signatures_are_refused_with_a_reason(twilio: FakeTwilio) -> None:
    settings_header = {"X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}
    answer = twilio.post(VOICE, CALLER, headers=settings_header)
    assert answer.status == 403 and "HMAC_SHA256" in answer.problem()["detail"]


def test_without_a_public_base_url_the_request_url_is_signed(
    twilio_settings: Settings, db: Database, twilio_client: TestClient
) -> None:
    local = twilio_settings.model_copy(update={"public_base_url": None})
    with TestClient(create_app(local, db), raise_server_exceptions=False) as client:
        direct = FakeTwilio(client, public="http://testserver")
        answer = direct.post("http://testserver/v1/adapters/twilio/voice", CALLER)
        assert answer.status == 200, answer.response.text
        status_url = answer.find("Start/Recording").attrib["recordingStatusCallback"]
        assert status_url == "http://testserver/v1/adapters/twilio/recording-status"


@pytest.fixture
def unconfigured(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("url", WEBHOOKS, ids=["voice", "consent", "recording-status"])
def test_an_unconfigured_adapter_says_how_to_configure_it(
    unconfigured: TestClient, url: str
) -> None:
    answer = FakeTwilio(unconfigured).post(url, CALLER)
    assert answer.status == 503
    problem = answer.problem()
    assert problem["code"] == "adapter_not_configured"
    assert "CALLWARDEN_TWILIO_AUTH_TOKEN" in problem["detail"]
    assert "CALLWARDEN_PUBLIC_BASE_URL" in problem["detail"]
