"""The decision engine on the example policy: the issue's scenarios, strictest-wins, overrides."""

from __future__ import annotations

from typing import Any

import pytest

from callwarden.decisions.engine import decide
from callwarden.decisions.facts import CallFacts, Party
from callwarden.kit.errors import InvalidInput
from tests.support.policies import compiled, example_data

POLICY = compiled()
TX_AGENT = Party("agent", jurisdiction="US-TX")


def call(*parties: Party, **facts: Any) -> CallFacts:
    return CallFacts(direction=facts.pop("direction", "inbound"), parties=parties, **facts)


def test_californian_customer_calling_a_texas_agent() -> None:
    decision = decide(
        call(Party("customer", number="+14155550123"), TX_AGENT, queue="support"), POLICY
    )
    assert decision.record == "yes"
    assert decision.governing_rule == "all-party" and decision.consent == "implied"
    assert decision.notice.required and decision.notice.script_id == "notice-en-v3"
    customer = decision.jurisdictions[0]
    assert (customer.code, customer.source, customer.rule) == ("US-CA", "presumed", "all-party")
    assert any("Cal. Penal Code § 632" in cite for cite in customer.citations)
    assert any("presumed" in reason for reason in decision.reasons)
    assert decision.policy_version == 1 and decision.law_version.startswith("20")
    assert decision.retention_class == "dispute_resolution"


def test_german_customer_needs_explicit_consent_in_german() -> None:
    decision = decide(
        call(Party("customer", number="+4930123456", language="de"), TX_AGENT), POLICY
    )
    assert decision.record == "after_consent" and decision.consent == "explicit"
    assert decision.jurisdictions[0].code == "DE"
    assert decision.notice.language == "de"
    assert (
        decision.consent_prompt is not None and decision.consent_prompt.script_id == "consent-de-v2"
    )
    assert decision.consent_prompt.accept_digit == "1"


def test_uk_customer_on_the_mifid_desk() -> None:
    decision = decide(
        call(
            Party("customer", number="+442079460000"),
            Party("agent", jurisdiction="GB"),
            queue="trading",
        ),
        POLICY,
    )
    assert decision.scope_rule == "trading-desk" and decision.record == "yes"
    assert decision.purposes == ("regulatory_record", "dispute_resolution")
    assert decision.retention_class == "regulatory_record"
    assert decision.jurisdictions[0].code == "GB" and decision.jurisdictions[0].rule == "notice"


def test_hr_line_is_never_recorded_but_still_explained() -> None:
    decision = decide(
        call(Party("customer", number="+14155550123"), TX_AGENT, line="+15125550100"), POLICY
    )
    assert decision.record == "no" and decision.scope_rule == "hr-line"
    assert not decision.notice.required and decision.purposes == ()
    assert decision.governing_rule == "all-party"  # reported even when not recording
    assert any("personal" in reason for reason in decision.reasons)


def test_sales_calls_are_sampled_deterministically() -> None:
    outcomes = {}
    for number in range(200):
        facts = call(
            Party("customer", number="+12125550100"),
            TX_AGENT,
            direction="outbound",
            queue="sales",
            call_id=f"sales-{number}",
        )
        outcomes[number] = decide(facts, POLICY).record
        assert decide(facts, POLICY).record == outcomes[number]
    recorded = sum(outcome == "yes" for outcome in outcomes.values())
    assert 20 <= recorded <= 60  # 20% of 200, give or take sampling noise
    sampled_out = next(n for n, outcome in outcomes.items() if outcome == "no")
    decision = decide(
        call(
            Party("customer", number="+12125550100"),
            TX_AGENT,
            direction="outbound",
            queue="sales",
            call_id=f"sales-{sampled_out}",
        ),
        POLICY,
    )
    assert decision.scope_rule == "sales-sampled" and "not selected" in " ".join(decision.reasons)


def test_strictest_rule_wins_across_parties() -> None:
    decision = decide(
        call(
            Party("customer", jurisdiction="US-NY"),
            Party("third_party", jurisdiction="US-FL"),
            TX_AGENT,
        ),
        POLICY,
    )
    assert decision.governing_rule == "all-party"
    one_party_only = decide(call(Party("customer", jurisdiction="US-NY"), TX_AGENT), POLICY)
    assert one_party_only.governing_rule == "one-party" and one_party_only.consent == "none"
    assert one_party_only.notice.required  # the example policy always announces


def test_washington_needs_the_notice_on_the_recording() -> None:
    decision = decide(call(Party("customer", number="+12065550100"), TX_AGENT), POLICY)
    assert decision.jurisdictions[0].code == "US-WA"
    assert decision.notice.must_be_recorded


def test_unclear_counts_as_all_party_and_is_flagged_uncertain() -> None:
    decision = decide(call(Party("customer", jurisdiction="US-DE"), TX_AGENT), POLICY)
    assert decision.governing_rule == "all-party" and decision.uncertain
    assert any("uncertain" in reason for reason in decision.reasons)


def test_counsel_override_changes_the_rule_and_says_so() -> None:
    data = example_data()
    data["law_overrides"] = [
        {
            "jurisdiction": "US-DE",
            "rule": "one-party",
            "approved_by": "General Counsel",
            "reason": "Memo 2026-04: Vespe allows a party to record its own call",
        }
    ]
    policy = compiled(data, version=2)
    decision = decide(call(Party("customer", jurisdiction="US-DE"), TX_AGENT), policy, explain=True)
    assert decision.governing_rule == "one-party" and not decision.uncertain
    assert decision.jurisdictions[0].overridden and decision.jurisdictions[0].law_rule == "unclear"
    assert any("overrides" in reason for reason in decision.reasons)
    assert any("override" in step and "Memo 2026-04" in step for step in decision.trace)


def test_explicit_jurisdiction_beats_the_number() -> None:
    decision = decide(
        call(Party("customer", number="+14155550123", jurisdiction="US-NY"), TX_AGENT), POLICY
    )
    assert (
        decision.jurisdictions[0].code == "US-NY" and decision.jurisdictions[0].source == "explicit"
    )


def test_a_providers_hint_is_presumed_and_the_decision_says_so() -> None:
    hinted = Party(
        "customer", number="+14155550123", jurisdiction="US-NY", jurisdiction_source="provider"
    )
    decision = decide(call(hinted, TX_AGENT), POLICY)
    customer = decision.jurisdictions[0]
    assert (customer.code, customer.source) == ("US-NY", "presumed")
    assert any("presumed to be in" in r and "phone provider" in r for r in decision.reasons)


def test_unknown_location_is_treated_as_strictest() -> None:
    decision = decide(call(Party("customer"), TX_AGENT), POLICY)
    assert decision.jurisdictions[0].source == "unknown"
    assert decision.governing_rule == "all-party" and decision.consent == "explicit"


def test_unknown_location_can_follow_a_named_jurisdiction() -> None:
    data = example_data()
    data["unknown_location"] = "US-NY"
    decision = decide(call(Party("customer"), TX_AGENT), compiled(data))
    assert (
        decision.jurisdictions[0].code == "US-NY" and decision.jurisdictions[0].source == "unknown"
    )


def test_language_falls_back_to_the_default() -> None:
    decision = decide(
        call(Party("customer", jurisdiction="US-CA", language="es"), TX_AGENT), POLICY
    )
    assert decision.notice.language == "en"
    assert any("customer's language" in reason for reason in decision.reasons)


def test_regional_language_tag_uses_the_base_language() -> None:
    decision = decide(
        call(Party("customer", jurisdiction="FR", language="fr-CA"), TX_AGENT), POLICY
    )
    assert decision.notice.language == "fr"


def test_payments_queue_asks_for_a_secure_pause() -> None:
    decision = decide(
        call(Party("customer", jurisdiction="US-TX"), TX_AGENT, queue="payments"), POLICY
    )
    assert decision.secure_pause and "PCI DSS" in " ".join(decision.reasons)


@pytest.mark.parametrize(
    ("party", "message"),
    [
        (Party("customer", jurisdiction="US-XX"), "US-XX"),
        (Party("customer", number="+1 (555) nope"), "number"),
    ],
)
def test_bad_party_input_is_refused(party: Party, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        decide(call(party, TX_AGENT), POLICY)


def test_no_parties_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least one party"):
        decide(CallFacts(direction="inbound", parties=()), POLICY)


def test_decision_json_has_the_documented_fields() -> None:
    body = decide(call(Party("customer", number="+14155550123"), TX_AGENT), POLICY).as_dict()
    for key in (
        "decision_id",
        "record",
        "governing_rule",
        "consent",
        "notice",
        "jurisdictions",
        "purposes",
        "retention_class",
        "scope_rule",
        "reasons",
        "policy_version",
        "law_version",
        "disclaimer",
    ):
        assert key in body
    assert set(body["notice"]) >= {"required", "text", "language", "script_id"}
    assert set(body["jurisdictions"][0]) >= {"code", "rule", "source", "uncertain", "citations"}
