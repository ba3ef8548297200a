"""Scripts follow the party's jurisdiction when no language is given; the decision says when a
call is outside the policy's operating jurisdictions; no jurisdiction is listed twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from callwarden.decisions.engine import decide
from callwarden.decisions.facts import CallFacts, Party
from tests.support.policies import compiled, example_data

POLICY = compiled()
TX_AGENT = Party("agent", jurisdiction="US-TX")


def call(*parties: Party, **facts: Any) -> CallFacts:
    return CallFacts(direction=facts.pop("direction", "inbound"), parties=parties, **facts)


def test_a_german_number_without_a_language_hears_the_german_scripts() -> None:
    decision = decide(call(Party("customer", number="+4930123456"), TX_AGENT), POLICY)
    assert decision.notice.language == "de" and decision.notice.script_id == "notice-de-v2"
    assert decision.consent_prompt is not None
    assert decision.consent_prompt.script_id == "consent-de-v2"
    assert any("no language" in r and "de" in r and "DE" in r for r in decision.reasons)


def test_a_stated_language_still_wins_over_the_jurisdiction() -> None:
    decision = decide(
        call(Party("customer", number="+4930123456", language="en"), TX_AGENT), POLICY
    )
    assert decision.notice.language == "en"


def test_provinces_inherit_their_countrys_languages_and_quebec_speaks_french() -> None:
    quebec = decide(call(Party("customer", number="+15145550123"), TX_AGENT), POLICY)
    ontario = decide(call(Party("customer", number="+14165550123"), TX_AGENT), POLICY)
    assert (quebec.jurisdictions[0].code, quebec.notice.language) == ("CA-QC", "fr")
    assert (ontario.jurisdictions[0].code, ontario.notice.language) == ("CA-ON", "en")


def test_a_jurisdiction_whose_languages_have_no_scripts_falls_back_to_the_default() -> None:
    decision = decide(call(Party("customer", number="+81312345678"), TX_AGENT), POLICY)
    assert decision.jurisdictions[0].code == "JP"
    assert decision.notice.language == "en"
    assert any("No scripts in" in reason for reason in decision.reasons)


def test_a_call_outside_the_operating_jurisdictions_says_so() -> None:
    decision = decide(call(Party("customer", number="+15035550123"), TX_AGENT), POLICY)
    assert decision.jurisdictions[0].code == "US-OR"
    [warning] = [r for r in decision.reasons if "operating jurisdictions" in r]
    assert "US-OR" in warning and "US-TX" not in warning.split(":")[0]


def test_a_call_inside_the_operating_jurisdictions_says_nothing_of_it() -> None:
    decision = decide(call(Party("customer", number="+4930123456"), TX_AGENT), POLICY)
    assert not any("operating jurisdictions" in reason for reason in decision.reasons)


def test_a_country_listed_covers_its_subdivisions() -> None:
    decision = decide(call(Party("customer", number="+14165550123"), TX_AGENT), POLICY)
    assert decision.jurisdictions[0].code == "CA-ON"  # the example lists CA, not CA-ON
    assert not any("operating jurisdictions" in reason for reason in decision.reasons)


def test_no_operating_jurisdictions_means_no_such_warning() -> None:
    data = example_data()
    data["operating_jurisdictions"] = []
    decision = decide(call(Party("customer", number="+15035550123"), TX_AGENT), compiled(data))
    assert not any("operating jurisdictions" in reason for reason in decision.reasons)


def test_no_reason_lists_a_jurisdiction_twice() -> None:
    data = example_data()
    data["law_overrides"] = [
        {"jurisdiction": "US-OR", "rule": "all-party", "reason": "memo 7", "approved_by": "counsel"}
    ]
    decision = decide(
        call(
            Party("customer", number="+15035550123"),
            Party("customer", number="+15035550124"),
            Party("third_party"),
            Party("third_party"),
            TX_AGENT,
        ),
        compiled(data),
    )
    assert len(set(decision.reasons)) == len(decision.reasons), decision.reasons
    mentions = Counter(r for r in decision.reasons if "US-OR" in r)
    assert all(count == 1 for count in mentions.values())
    [outside] = [r for r in decision.reasons if "operating jurisdictions" in r]
    assert outside.count("US-OR") == 1
