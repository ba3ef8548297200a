"""Validation against the law: one test per class of error, each with a precise message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from callwarden.law.knowledge import load_knowledge_base
from callwarden.policy.problems import PolicyInvalid
from callwarden.policy.service import validate_text
from tests.support.policies import as_text, example_data

Edit = Callable[[dict[str, Any]], None]


def errors_after(edit: Edit) -> list[tuple[str, str]]:
    data = example_data()
    edit(data)
    with pytest.raises(PolicyInvalid) as refused:
        validate_text(as_text(data), "edited.yaml")
    return [(p.path, p.message) for p in refused.value.problems if p.severity == "error"]


def test_the_example_policy_is_valid() -> None:
    validated = validate_text(as_text(example_data()))
    assert validated.document.organisation
    assert all(problem.severity == "warning" for problem in validated.warnings)


def test_mifid_purpose_with_retention_under_five_years() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["purposes"]["regulatory_record"]["retention"] = {"min": "P3Y", "max": "P7Y"}

    errors = errors_after(edit)
    assert {path for path, _ in errors} == {"purposes.regulatory_record.retention.min"}
    assert any("at least 5 years" in message and "Art. 16(7)" in message for _, message in errors)
    assert any("keeps them 3 years" in message for _, message in errors)
    assert any("SYSC 10A" in message for _, message in errors)  # the FCA rule is checked too


def test_explicit_consent_jurisdiction_without_consent_script() -> None:
    def edit(data: dict[str, Any]) -> None:
        for scripts in data["scripts"].values():
            scripts.pop("consent")

    errors = errors_after(edit)
    assert "scripts.de.consent" in {path for path, _ in errors}
    message = dict(errors)["scripts.en.consent"]
    assert "no consent script" in message and "DE" in message


def test_override_without_reason_or_approver() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["law_overrides"] = [{"jurisdiction": "US-DE", "rule": "one-party"}]

    errors = dict(errors_after(edit))
    assert "needs a reason" in errors["law_overrides[0].reason"]
    assert "needs an approver" in errors["law_overrides[0].approved_by"]


def test_override_of_unknown_jurisdiction() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["law_overrides"] = [
            {"jurisdiction": "US-ZZ", "rule": "one-party", "reason": "r", "approved_by": "counsel"}
        ]

    [(path, message)] = errors_after(edit)
    assert path == "law_overrides[0].jurisdiction" and "US-ZZ" in message


def test_unknown_operating_jurisdiction() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["operating_jurisdictions"].append("XX")

    [(path, _message)] = errors_after(edit)
    assert path.startswith("operating_jurisdictions[")


def test_scope_rule_with_unknown_purpose() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["scope"][-1]["purposes"] = ["quality", "marketing"]

    [(path, message)] = errors_after(edit)
    assert path == "scope[5].purposes[1]" and "unknown purpose 'marketing'" in message


def test_sampling_without_a_rate() -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["scope"][3]["rate"]

    [(path, message)] = errors_after(edit)
    assert path == "scope[3].rate" and "rate above 0" in message


def test_do_not_record_without_reason() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["scope"][0]["reason"] = ""

    [(path, _message)] = errors_after(edit)
    assert path == "scope[0].reason"


def test_retention_min_over_max() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["purposes"]["quality"]["retention"] = {"min": "P1Y", "max": "P6M"}

    [(path, message)] = errors_after(edit)
    assert path == "purposes.quality.retention" and "longer than maximum" in message


def test_unknown_sector_rule() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["purposes"]["quality"]["sector_rules"] = ["mifid-iii"]

    [(path, _message)] = errors_after(edit)
    assert path == "purposes.quality.sector_rules[0]"


def test_default_language_without_scripts() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["default_language"] = "es"

    [(path, _message)] = errors_after(edit)
    assert path == "default_language"


def test_every_problem_carries_a_fix() -> None:
    data = example_data()
    data["law_overrides"] = [{"jurisdiction": "US-DE", "rule": "one-party"}]
    with pytest.raises(PolicyInvalid) as refused:
        validate_text(as_text(data), "p.yaml")
    assert all(problem.fix for problem in refused.value.problems)
    assert "p.yaml:" in refused.value.detail


def test_cnil_like_sector_limits_are_checked_when_cited() -> None:
    kb = load_knowledge_base()
    limited = [sector for sector in kb.sectors.values() if sector.max_retention is not None]
    if not limited:
        pytest.skip("no sector rule in the knowledge base sets a maximum retention")
    sector = limited[0]

    def edit(data: dict[str, Any]) -> None:
        data["purposes"]["quality"]["sector_rules"] = [sector.id]
        data["purposes"]["quality"]["retention"] = {"min": "P1D", "max": "P10Y"}

    errors = dict(errors_after(edit))
    assert "allows at most" in errors["purposes.quality.retention.max"]


@pytest.mark.parametrize("again", ["US-CA", "us-ca"])
def test_an_operating_jurisdiction_listed_twice(again: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["operating_jurisdictions"].append(again)

    [(path, message)] = errors_after(edit)
    position = len(example_data()["operating_jurisdictions"])
    assert path == f"operating_jurisdictions[{position}]"
    assert "US-CA is listed twice" in message


def test_clock_tolerance_is_a_bounded_number_of_seconds() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["calls"] = {"clock_tolerance_s": 3600}

    [(path, _message)] = errors_after(edit)
    assert path == "calls.clock_tolerance_s"
