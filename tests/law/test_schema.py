"""Bad data never loads: each broken file raises ConfigurationError naming file and problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from callwarden.kit.errors import ConfigurationError
from callwarden.law import load_knowledge_base
from callwarden.law.schema import JurisdictionRule, SectorRule

Write = Callable[[str, dict[str, Any]], Path]
Factory = Callable[..., dict[str, Any]]


def _load_fails(data_copy: Path, *fragments: str) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_knowledge_base(data_copy)
    message = caught.value.detail
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_the_copy_itself_loads(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZZ", valid_record())
    kb = load_knowledge_base(data_copy)
    assert kb.effective_rule("US-ZZ").rule == "one-party"


def test_rule_without_citation_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZZ", valid_record(citations=[]))
    _load_fails(data_copy, "jurisdictions/US-ZZ.yaml", "no citations")


def test_existing_file_stripped_of_citations_is_rejected(data_copy: Path) -> None:
    path = data_copy / "jurisdictions" / "US-CA.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    del record["citations"]
    path.write_text(yaml.safe_dump(record), encoding="utf-8")
    _load_fails(data_copy, "US-CA.yaml", "must cite")


def test_unknown_rule_kind_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZZ", valid_record(rule="two-party"))
    _load_fails(data_copy, "US-ZZ.yaml", "rule")


def test_unknown_parent_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("QQ", valid_record(code="QQ", parent="XQ"))
    _load_fails(data_copy, "QQ.yaml", "unknown parent 'XQ'")


def test_parent_cycle_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("QQ", valid_record(code="QQ", parent="QR"))
    write_jurisdiction("QR", valid_record(code="QR", parent="QQ"))
    _load_fails(data_copy, "loops")


@pytest.mark.parametrize("bad_code", ["usa", "U", "US_CA", "US-CALI", "us-ca"])
def test_bad_code_format_is_rejected(bad_code: str, valid_record: Factory) -> None:
    with pytest.raises(ValueError, match="code"):
        JurisdictionRule.model_validate(valid_record(code=bad_code))


def test_subdivision_must_name_its_country_as_parent(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZZ", valid_record(parent="CA"))
    _load_fails(data_copy, "must have parent 'US'")


def test_file_name_must_match_code(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZY", valid_record())
    _load_fails(data_copy, "US-ZY.yaml", "file name")


def test_misspelt_key_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    write_jurisdiction("US-ZZ", valid_record(citation=[{"title": "x", "cite": "y"}]))
    _load_fails(data_copy, "citation", "Extra inputs")


def test_unknown_consent_form_is_rejected(valid_record: Factory) -> None:
    with pytest.raises(ValueError, match="consent_forms"):
        JurisdictionRule.model_validate(valid_record(consent_forms=["nod_and_wink"]))


def test_child_laxer_than_a_floor_is_rejected(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    # DE under EU (floor: notice) cannot be one-party
    path = data_copy / "jurisdictions" / "DE.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.update(rule="one-party", consent_forms=["participant"])
    path.write_text(yaml.safe_dump(record), encoding="utf-8")
    _load_fails(data_copy, "DE.yaml", "laxer than EU")


def test_consent_forms_must_fit_the_rule(
    data_copy: Path, write_jurisdiction: Write, valid_record: Factory
) -> None:
    # an all-party state that would inherit 'participant' from the federal record
    write_jurisdiction("US-ZZ", valid_record(rule="all-party"))
    _load_fails(data_copy, "US-ZZ.yaml", "'participant'")


def test_yaml_syntax_error_names_the_file(data_copy: Path) -> None:
    (data_copy / "jurisdictions" / "US-ZZ.yaml").write_text("code: [unclosed\n")
    _load_fails(data_copy, "US-ZZ.yaml", "cannot read")


def test_missing_manifest_is_rejected(data_copy: Path) -> None:
    (data_copy / "kb.yaml").unlink()
    _load_fails(data_copy, "kb.yaml")


def _sector(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "test-rule",
        "name": "Test rule",
        "jurisdictions": ["US"],
        "applies_to": "Testers",
        "recording_required": True,
        "requirements": ["Record"],
        "min_retention": "P5Y",
        "retention_of": "Recordings",
        "uncertain": False,
        "reviewed": "2026-11-27",
        "citations": [{"title": "Test", "cite": "T § 1"}],
    }
    record.update(overrides)
    return record


@pytest.mark.parametrize("duration", ["5 years", "P", "PT5M", "P5Q", "-P5Y", "P1.5Y", ""])
def test_unparseable_sector_duration_is_rejected(duration: str) -> None:
    with pytest.raises(ValueError, match="min_retention"):
        SectorRule.model_validate(_sector(min_retention=duration))


def test_sector_without_citation_or_with_inverted_periods_is_rejected() -> None:
    with pytest.raises(ValueError, match="citations"):
        SectorRule.model_validate(_sector(citations=[]))
    with pytest.raises(ValueError, match="longer than max_retention"):
        SectorRule.model_validate(_sector(max_retention="P1Y"))
    with pytest.raises(ValueError, match="what it counts"):
        SectorRule.model_validate(_sector(retention_of=None))


def test_sector_in_unknown_jurisdiction_is_rejected(data_copy: Path) -> None:
    path = data_copy / "sectors" / "test-rule.yaml"
    path.write_text(yaml.safe_dump(_sector(jurisdictions=["XQ"])), encoding="utf-8")
    _load_fails(data_copy, "sectors/test-rule.yaml", "XQ")


def test_sector_durations_parse_and_serialise(kb: Any) -> None:
    mifid = kb.sector("mifid-ii")
    assert str(mifid.min_retention) == "P5Y" and str(mifid.extended_retention) == "P7Y"
    assert mifid.model_dump(mode="json")["min_retention"] == "P5Y"
