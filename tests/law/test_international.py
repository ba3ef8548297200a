"""Non-US jurisdictions: inheritance from the EU baseline and Canada, Australia's states."""

from __future__ import annotations

import pytest

from callwarden.law import KnowledgeBase

EU_MEMBERS = {"DE", "FR", "IE", "NL", "ES", "IT", "DK"}
ISSUE_LIST = {"US", "CA", "GB", "DE", "FR", "IE", "NL", "ES", "IT", "DK", "AU", "NZ", "IN",
              "SG", "JP", "BR", "ZA", "HK", "MX", "EU"}  # fmt: skip
CA_PROVINCES = {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}

REFERENCE: dict[str, tuple[str, bool]] = {
    # Rule for a business recording its own calls, and whether the classification is uncertain.
    "EU": ("notice", False),
    "GB": ("notice", False),
    "CA": ("notice", False),
    "DE": ("all-party", False),
    "FR": ("all-party", False),
    "IE": ("notice", False),
    "NL": ("notice", False),
    "ES": ("notice", False),
    "IT": ("notice", False),
    "DK": ("all-party", True),  # DPA ruling, known second-hand
    "AU": ("unclear", True),
    "NZ": ("notice", False),  # one-party criminal law, IPP 3 notice for agencies
    "IN": ("unclear", True),
    "SG": ("notice", True),
    "JP": ("notice", True),
    "BR": ("notice", False),  # one-party, LGPD notice for businesses
    "ZA": ("notice", False),
    "HK": ("notice", True),
    "MX": ("notice", True),
    "AU-NSW": ("all-party", True),
    "AU-WA": ("all-party", True),
    "AU-SA": ("all-party", True),
    "AU-TAS": ("all-party", True),
    "AU-ACT": ("all-party", True),
    "AU-VIC": ("one-party", True),
    "AU-QLD": ("one-party", True),
    "AU-NT": ("one-party", True),
}


def test_issue_jurisdictions_and_subdivisions_present(kb: KnowledgeBase) -> None:
    assert set(kb.jurisdictions) >= ISSUE_LIST
    assert {f"CA-{p}" for p in CA_PROVINCES} <= set(kb.jurisdictions)
    assert {code for code in REFERENCE if code.startswith("AU-")} == {
        code for code in kb.jurisdictions if code.startswith("AU-")
    }


@pytest.mark.parametrize("code", sorted(REFERENCE))
def test_rule_and_uncertainty(kb: KnowledgeBase, code: str) -> None:
    rule, uncertain = REFERENCE[code]
    effective = kb.effective_rule(code)
    assert effective.rule == rule
    assert effective.uncertain is uncertain


def test_eu_members_inherit_the_gdpr_baseline(kb: KnowledgeBase) -> None:
    for code in EU_MEMBERS:
        record, effective = kb.jurisdiction(code), kb.effective_rule(code)
        assert record.parent == "EU"
        assert effective.lineage == (code, "EU")
        cites = [citation.cite for citation in effective.citations]
        assert "GDPR Art. 5(1)(a), (b), (c), (e)" in cites, code
        assert "GDPR Arts. 13\u201314" in cites, code
        assert not any(c.cite == "GDPR Arts. 13\u201314" for c in record.citations)  # inherited


def test_germany_inherits_facts_but_keeps_its_own_rule(kb: KnowledgeBase) -> None:
    germany = kb.effective_rule("DE")
    assert germany.rule == "all-party" and germany.rule_from == "DE"
    assert germany.consent_forms == ("affirmative",)
    cites = [citation.cite for citation in germany.citations]
    assert cites[0].startswith("StGB § 201")  # own law first, then the EU baseline
    assert cites.index("StGB § 205") < cites.index("Directive 2002/58/EC Art. 5(1), 5(2)")


def test_members_that_state_no_consent_forms_inherit_the_baselines(kb: KnowledgeBase) -> None:
    assert kb.jurisdiction("IE").consent_forms is None
    assert kb.effective_rule("IE").consent_forms == kb.effective_rule("EU").consent_forms


def test_canadian_provinces_fall_back_to_the_federal_rule_visibly(kb: KnowledgeBase) -> None:
    for province in CA_PROVINCES:
        code = f"CA-{province}"
        record, effective = kb.jurisdiction(code), kb.effective_rule(code)
        assert record.rule is None
        assert (effective.rule, effective.rule_from) == ("notice", "CA")
        assert effective.uncertain, code  # provincial law not researched
        assert any("OPC" in c.cite for c in effective.citations)
    assert "quebec" in " ".join(kb.jurisdiction("CA-QC").open_points).lower()


def test_gb_is_not_in_the_eu(kb: KnowledgeBase) -> None:
    assert kb.jurisdiction("GB").parent is None
    assert any("SI 2018/356" in c.cite for c in kb.jurisdiction("GB").citations)


def test_australian_states_differ_and_national_rule_is_unclear(kb: KnowledgeBase) -> None:
    assert kb.effective_rule("AU").governing == "all-party"
    assert kb.effective_rule("AU-VIC").consent_forms == ("participant",)
    assert kb.effective_rule("AU-NSW").consent_forms == ("notice_and_continue",)
    assert any("s. 7" in c.cite for c in kb.jurisdiction("AU-NSW").citations)


def test_france_cnil_retention_is_a_sector_rule_in_force_there(kb: KnowledgeBase) -> None:
    ids = {sector.id for sector in kb.sectors_for("FR")}
    assert {"cnil-call-recording", "gdpr-storage-limitation", "mifid-ii", "pci-dss"} <= ids
    assert "fca-sysc-10a" not in ids
