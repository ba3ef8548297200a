"""Loading, versioning, caching and lookups of the knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callwarden.kit.errors import InvalidInput
from callwarden.law import (
    KnowledgeBase,
    UnknownJurisdiction,
    UnknownSector,
    load_knowledge_base,
)
from callwarden.law.loading import DATA_DIR

ISSUE_SECTORS = {"mifid-ii", "fca-sysc-10a", "cftc-1-35", "finra-3170", "hipaa", "pci-dss",
                 "ftc-tsr", "gdpr-storage-limitation", "ccpa-storage-limitation"}  # fmt: skip


def test_version_is_declared_version_plus_content_hash(kb: KnowledgeBase) -> None:
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+\+sha256:[0-9a-f]{12}", kb.version)
    declared = (DATA_DIR / "kb.yaml").read_text(encoding="utf-8")
    assert f"version: {kb.declared_version}" in declared
    assert kb.version == f"{kb.declared_version}+sha256:{kb.content_hash}"


def test_any_data_change_changes_the_version(kb: KnowledgeBase, data_copy: Path) -> None:
    assert load_knowledge_base(data_copy).version == kb.version  # same bytes, same version
    path = data_copy / "jurisdictions" / "US-TX.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# reviewed again\n", encoding="utf-8")
    changed = load_knowledge_base(data_copy)
    assert changed.declared_version == kb.declared_version
    assert changed.version != kb.version


def test_shipped_base_is_loaded_once(kb: KnowledgeBase) -> None:
    assert load_knowledge_base() is kb
    assert load_knowledge_base() is load_knowledge_base()


def test_lookups_are_resolved_once_at_load(kb: KnowledgeBase) -> None:
    # A lookup is one dictionary read of a rule resolved when the base loaded (its speed is
    # measured by bench/law.py), so every lookup of a code, in any spelling, is the same object.
    rule = kb.effective_rule("US-CA")
    assert kb.effective_rule("US-CA") is rule and kb.effective_rule(" us-ca ") is rule


def test_every_file_ships_with_a_citation_and_review_date(kb: KnowledgeBase) -> None:
    files = sorted((DATA_DIR / "jurisdictions").glob("*.yaml"))
    assert len(files) == len(kb.jurisdictions) >= 90
    for record in kb.jurisdictions.values():
        if record.rule is not None:
            assert record.citations, record.code
        assert kb.effective_rule(record.code).citations, record.code


def test_records_are_immutable(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError):
        kb.jurisdiction("US-CA").rule = "one-party"  # type: ignore[misc]
    with pytest.raises(TypeError):
        kb.jurisdictions["XX"] = kb.jurisdiction("US-CA")  # type: ignore[index]


def test_codes_are_normalised(kb: KnowledgeBase) -> None:
    assert kb.jurisdiction(" us-ca ").code == "US-CA"
    assert kb.effective_rule("de").code == "DE"


@pytest.mark.parametrize(
    ("given", "suggested"),
    [("US-CX", "US-CA"), ("California", "US-CA"), ("Germany", "DE"), ("AU-NS", "AU-NSW")],
)
def test_unknown_code_suggests_close_ones(kb: KnowledgeBase, given: str, suggested: str) -> None:
    with pytest.raises(UnknownJurisdiction) as caught:
        kb.jurisdiction(given)
    assert isinstance(caught.value, InvalidInput)
    assert suggested in caught.value.detail
    assert suggested in caught.value.extra["suggestions"]
    assert caught.value.to_problem()["code"] == "unknown_jurisdiction"


def test_unknown_code_in_effective_rule_raises_too(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownJurisdiction, match="law list"):
        kb.effective_rule("ZZ")


def test_sectors(kb: KnowledgeBase) -> None:
    assert set(kb.sectors) >= ISSUE_SECTORS
    assert kb.sector("pci-dss").forbidden_content == ("sensitive_authentication_data",)
    assert kb.sector("hipaa").retention_of and "Not the call recordings" in str(
        kb.sector("hipaa").retention_of
    )
    with pytest.raises(UnknownSector, match="mifid-ii"):
        kb.sector("mifid")


def test_mifid_retention_is_five_years_extendable_to_seven(kb: KnowledgeBase) -> None:
    mifid = kb.sector("mifid-ii")
    assert mifid.recording_required
    assert mifid.min_retention is not None and mifid.extended_retention is not None
    assert mifid.min_retention.total_months == 60
    assert mifid.extended_retention.total_months == 84


def test_fca_does_not_encode_the_old_six_months(kb: KnowledgeBase) -> None:
    fca = kb.sector("fca-sysc-10a")
    assert fca.min_retention is not None and fca.min_retention.total_months == 60
    assert "COBS 11.8" in " ".join(fca.notes)


def test_sectors_for_walks_up_the_parents(kb: KnowledgeBase) -> None:
    assert {s.id for s in kb.sectors_for("US-CA")} >= {"ccpa-storage-limitation", "hipaa"}
    assert "ccpa-storage-limitation" not in {s.id for s in kb.sectors_for("US-TX")}
    assert "mifid-ii" in {s.id for s in kb.sectors_for("DE")}
    assert {s.id for s in kb.sectors_for("NZ")} == {"pci-dss"}
