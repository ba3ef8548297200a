"""The schedule arithmetic: the longest minimum, the shortest maximum, the duty to keep wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.kit.errors import InvalidInput
from callwarden.law.durations import Duration
from callwarden.retention.schedule import Rule, Rules, plan, schedule
from tests.support.policies import compiled, example_data

START = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)


def test_mifid_minimum_outlasts_the_quality_maximum_and_the_reason_names_both() -> None:
    data = example_data()
    data["purposes"]["quality"]["sector_rules"] = ["mifid-ii"]
    kept = schedule(compiled(data, version=4), ["quality"], START)
    assert kept.retain_until == datetime(2031, 3, 31, 9, 30, tzinfo=UTC)
    assert kept.dispose_by == kept.retain_until  # raised: the duty to keep wins
    assert kept.disposal_due == kept.retain_until
    conflict = next(reason for reason in kept.reasons if "duty to keep wins" in reason["text"])
    assert "MiFID II" in conflict["text"] and "Dir. 2014/65/EU Art. 16(7)" in conflict["text"]
    assert "the quality purpose" in conflict["text"] and "6 months" in conflict["text"]
    ids = {rule["id"] for rule in conflict["rules"]}
    assert ids == {"mifid-ii", "purpose:quality"}
    assert all(rule["citation"] for rule in conflict["rules"])
    assert kept.policy_version == 4


def test_regulatory_record_keeps_five_years_and_goes_within_seven() -> None:
    alone = schedule(compiled(), ["regulatory_record"], START)
    assert alone.retain_until == datetime(2031, 3, 31, 9, 30, tzinfo=UTC)
    assert alone.dispose_by == datetime(2033, 3, 31, 9, 30, tzinfo=UTC)
    assert not any("duty to keep wins" in reason["text"] for reason in alone.reasons)
    # With dispute resolution (at most 2 years) the five-year duty outlasts a maximum: raised.
    kept = schedule(compiled(), ["regulatory_record", "dispute_resolution"], START)
    assert kept.retention_class == "regulatory_record"
    assert kept.retain_until == alone.retain_until
    assert kept.dispose_by == kept.retain_until
    texts = " ".join(reason["text"] for reason in kept.reasons)
    assert "FCA SYSC 10A" in texts and "the dispute_resolution purpose" in texts


def test_dispose_at_latest_takes_the_shortest_maximum() -> None:
    data = example_data()
    data["retention"] = {"dispose_at": "latest"}
    kept = schedule(compiled(data), ["quality", "training"], START)
    assert kept.retain_until == datetime(2026, 6, 29, 9, 30, tzinfo=UTC)  # 90 days
    assert kept.dispose_by == datetime(2026, 9, 30, 9, 30, tzinfo=UTC)  # 6 months, clamped
    assert kept.disposal_due == kept.dispose_by
    assert kept.dispose_at == "latest"
    assert any("latest moment" in reason["text"] for reason in kept.reasons)


def test_no_maximum_means_due_at_the_earliest_and_says_so() -> None:
    data = example_data()
    data["retention"] = {"dispose_at": "latest"}
    data["purposes"]["quality"]["retention"] = {"min": "P90D"}
    kept = schedule(compiled(data), ["quality"], START)
    assert kept.dispose_by is None
    assert kept.disposal_due == kept.retain_until
    assert any("No rule sets a maximum" in reason["text"] for reason in kept.reasons)


def test_uncertain_sector_rules_say_so() -> None:
    data = example_data()
    data["purposes"]["dispute_resolution"]["sector_rules"] = ["sec-17a-4"]
    policy = compiled(data)
    assert policy.kb.sectors["sec-17a-4"].uncertain  # as the knowledge base marks it
    kept = schedule(policy, ["dispute_resolution"], START)
    assert kept.retain_until == START.replace(year=2029)  # its three years outlast the purpose
    keeping = kept.reasons[0]
    assert "17 CFR 240.17a-4" in keeping["text"] and "uncertain" in keeping["text"]
    assert {"id": "sec-17a-4", "citation": "17 CFR 240.17a-4(b)(4)"} in keeping["rules"]


def test_no_purposes_no_schedule_and_unknown_purposes_refused() -> None:
    kept = schedule(compiled(), [], START)
    assert (kept.retain_until, kept.dispose_by, kept.disposal_due) == (None, None, None)
    with pytest.raises(InvalidInput):
        schedule(compiled(), ["no_such_purpose"], START)


durations = st.builds(
    Duration,
    years=st.integers(0, 8),
    months=st.integers(0, 24),
    days=st.integers(0, 400),
)
rules = st.lists(
    st.builds(Rule, st.sampled_from(["a", "b", "c"]), st.just("rule"), st.just("cite"), durations),
    max_size=4,
)
starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
)


@given(minima=rules, maxima=rules, start=starts, dispose_at=st.sampled_from(["earliest", "latest"]))
def test_the_schedule_always_keeps_the_duty_and_stays_in_its_window(
    minima: list[Rule], maxima: list[Rule], start: datetime, dispose_at: str
) -> None:
    kept = plan(Rules(tuple(minima), tuple(maxima)), start, dispose_at)
    if not minima:
        assert kept.retain_until is None and kept.disposal_due is None
        return
    assert kept.retain_until is not None and kept.disposal_due is not None
    # Never before any minimum runs out.
    assert all(kept.retain_until >= rule.period.add_to(start) for rule in minima)
    assert kept.retain_until in {rule.period.add_to(start) for rule in minima}
    assert kept.retain_until <= kept.disposal_due
    if kept.dispose_by is None:
        assert not maxima and kept.disposal_due == kept.retain_until
    else:
        assert kept.disposal_due <= kept.dispose_by
        shortest = min(rule.period.add_to(start) for rule in maxima)
        assert kept.dispose_by == max(shortest, kept.retain_until)
        raised = shortest < kept.retain_until
        assert raised == any("duty to keep wins" in r["text"] for r in kept.reasons)
    expected = kept.dispose_by if dispose_at == "latest" and kept.dispose_by else kept.retain_until
    assert kept.disposal_due == expected
    assert all(set(reason) == {"text", "rules"} for reason in kept.reasons)


@given(start=starts, extra=st.integers(0, 3000))
def test_a_longer_minimum_never_moves_the_earliest_moment_earlier(
    start: datetime, extra: int
) -> None:
    base = Rule("a", "rule a", "cite", Duration(years=1))
    longer = Rule("b", "rule b", "cite", Duration(days=extra))
    alone = plan(Rules((base,)), start, "earliest")
    both = plan(Rules((base, longer)), start, "earliest")
    assert alone.retain_until is not None and both.retain_until is not None
    assert both.retain_until >= alone.retain_until
    assert both.retain_until - alone.retain_until <= timedelta(days=extra)
