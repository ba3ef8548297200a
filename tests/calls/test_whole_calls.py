"""Whole calls through the API: the scenarios the consent ledger must get right."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.calls import CallDriver

TX_AGENT = {"role": "agent", "jurisdiction": "US-TX"}


def test_californian_customer_notice_and_implied_consent(
    client: TestClient, pbx: dict[str, str]
) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "queue": "support",
            "parties": [{"role": "customer", "number": "+14155550123"}, TX_AGENT],
        },
    )
    # California accepts a notice followed by staying on the line: recording begins with the
    # notice, so the notice is on the recording and the audio check can prove it.
    assert call.actions() == ["start_recording", "play_notice"]
    assert "captured and provable" in call.plan["steps"][0]["reason"]
    assert (
        call.plan["steps"][1]["script_id"] == "notice-en-v3"
        and call.plan["steps"][1]["party"] == "customer"
    )
    call.ok("recording_started")
    assert call.actions() == ["play_notice"]
    call.ok("notice_played", party="customer", script_id="notice-en-v3", offset_s=0.5)
    assert call.actions() == []
    call.ok("call_ended")
    call.refused("recording_stopped", "no events are accepted after call_ended")
    evidence = call.consent()
    customer = evidence["parties"][0]
    assert (
        customer["consent"]["status"] == "implied"
        and customer["notice"]["script_id"] == "notice-en-v3"
    )
    assert customer["jurisdiction"] == "US-CA" and customer["located"] == "presumed"
    assert [v["kind"] for v in evidence["violations"]] == ["recording_stopped"]


def test_german_customer_explicit_consent_and_decline(
    client: TestClient, pbx: dict[str, str]
) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "number": "+4930123456", "language": "de"}, TX_AGENT],
        },
    )
    assert call.actions() == ["play_notice", "gather_consent", "start_recording"]
    waits = call.plan["steps"][2]
    assert (
        waits["after"] == "consent"
        and "must wait for explicit consent from customer" in (waits["reason"])
    )
    gather = call.plan["steps"][1]
    assert (gather["digit"], gather["language"], gather["method"]) == ("1", "de", "dtmf")
    call.ok("notice_played", party="customer", script_id="notice-de-v2")
    call.refused("recording_started", "has not given consent")
    call.ok("consent_declined", party="customer", method="dtmf")
    assert call.actions() == ["do_not_record"]
    call.refused("recording_started", "consent was declined")
    assert call.detail()["parties"][0]["consent_status"] == "declined"


def test_german_customer_consents_then_recording_runs(
    client: TestClient, pbx: dict[str, str]
) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "DE", "language": "de"}, TX_AGENT],
        },
    )
    call.refused("consent_given", "before hearing the notice", party="customer", method="dtmf")
    call.ok("notice_played", party="customer", script_id="notice-de-v2")
    call.ok("consent_given", party="customer", method="dtmf", digit="1")
    call.ok("recording_started")
    evidence = call.consent()["parties"][0]
    assert evidence["consent"] == {
        "required": "explicit",
        "status": "given",
        "method": "dtmf",
        "at": evidence["consent"]["at"],
    }
    assert [e["kind"] for e in evidence["evidence"]] == ["notice_played", "consent_given"]


def test_transfer_to_washington_brings_a_new_plan(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "queue": "support",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("recording_started")
    assert call.actions() == []
    result = call.ok(
        "transferred",
        party="agent",
        new_party={"key": "specialist", "role": "third_party", "number": "+12065550100"},
    )
    assert result["plan_changed"] is True
    notices = [step["party"] for step in call.plan["steps"] if step["action"] == "play_notice"]
    assert notices == ["customer", "specialist"]  # the rule got stricter: announce again
    detail = call.detail()
    assert detail["governing_rule"] == "all-party"
    assert [p["key"] for p in detail["parties"] if p["left_at"] is None] == [
        "customer",
        "specialist",
    ]
    assert detail["parties"][2]["jurisdiction"] == "US-WA"


def test_a_one_party_newcomer_adds_nothing(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("recording_started")
    result = call.ok("party_joined", new_party={"role": "third_party", "jurisdiction": "US-NY"})
    assert result["plan_changed"] is False and call.actions() == []


def test_payment_pause(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "queue": "payments",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    assert call.plan["secure_pause"] == {"max_pause_s": 300, "reason": "payment"}
    call.ok("notice_played", party="customer")
    call.ok("recording_started", offset_s=0.0)
    call.refused("recording_paused", "longer than the policy", reason="payment", max_duration_s=900)
    call.refused("recording_paused", "needs a reason")
    call.ok("recording_paused", reason="payment", offset_s=40.0)
    call.refused("recording_paused", "cannot be paused", reason="payment")
    call.ok("recording_resumed", seconds=95, offset_s=40.0)
    call.ok("recording_paused", reason="payment", offset_s=80.0)
    late = call.ok("recording_resumed", seconds=400, offset_s=80.0)
    assert late["recording_state"] == "recording"
    pauses = call.consent()["pauses"]
    assert [p["exceeded_policy_maximum"] for p in pauses] == [False, True]
    assert pauses[0]["start_offset_s"] == 40.0
    assert any("pause longer" in (v["reason"] or "") for v in call.consent()["violations"])


def test_withdrawal_mid_call_stops_and_keeps_prior(client: TestClient, pbx: dict[str, str]) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-CA"}, TX_AGENT],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("recording_started")
    call.ok("consent_withdrawn", party="customer", method="speech", offset_s=61.5)
    assert call.plan["steps"] == [
        {"action": "stop_recording", "discard": False, "reason": "consent was withdrawn"}
    ]
    call.refused("recording_resumed", "cannot be resumed")
    call.ok("recording_stopped", offset_s=62.0)
    assert call.actions() == ["do_not_record"]
    call.refused("recording_started", "consent was withdrawn")
    assert call.consent()["halted"] == "withdrawn"


def test_a_one_party_call_records_its_notice_too(client: TestClient, pbx: dict[str, str]) -> None:
    """Texas needs no notice, but the policy always announces: record it, so it can be proved."""
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    assert call.actions() == ["start_recording", "play_notice"]
    call.ok("recording_started", offset_s=0.0)
    call.ok("notice_played", party="customer", offset_s=0.2)
    assert call.actions() == []
    assert call.consent()["violations"] == []


def test_a_newcomer_who_must_consent_pauses_recording_and_the_plan_says_why(
    client: TestClient, pbx: dict[str, str]
) -> None:
    call = CallDriver(
        client,
        pbx,
        {
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TX_AGENT],
        },
    )
    call.ok("recording_started", offset_s=0.0)
    call.ok("notice_played", party="customer", offset_s=0.2)
    call.ok(
        "party_joined", new_party={"key": "berlin", "role": "third_party", "jurisdiction": "DE"}
    )
    assert call.actions()[0] == "pause_recording" and "gather_consent" in call.actions()
    assert "waiting for consent from customer, berlin" in call.plan["steps"][0]["reason"]
    call.ok("recording_paused", reason="consent", offset_s=20.0)
    steps = {step["action"]: step for step in call.plan["steps"]}
    resume = steps["resume_recording"]
    assert (
        resume["after"] == "consent" and "until consent from customer, berlin" in resume["reason"]
    )
