"""Every US state, DC and the federal rule against the research table (legal-facts.md §1.1).

The table below is written by hand from the reference, not read from the data files, so a
wrong data file fails here. `uncertain` is True only where the classification itself is
unsettled (Delaware, Michigan, Vermont); unverified details elsewhere are `open_points`.
"""

from __future__ import annotations

import pytest

from callwarden.law import KnowledgeBase

ONE, ALL, UNCLEAR = "one-party", "all-party", "unclear"

REFERENCE: dict[str, tuple[str, bool, str]] = {
    # code: (rule for phone calls, uncertain, a citation fragment the record must carry)
    "US": (ONE, False, "18 U.S.C. § 2511(2)(c)"),
    "US-AL": (ONE, False, "13A-11-30"),
    "US-AK": (ONE, False, "42.20.300"),
    "US-AZ": (ONE, False, "13-3005"),
    "US-AR": (ONE, False, "5-60-120"),
    "US-CA": (ALL, False, "Penal Code § 632"),
    "US-CO": (ONE, False, "18-9-303"),
    "US-CT": (ALL, False, "52-570d"),
    "US-DE": (UNCLEAR, True, "§ 1335(a)(4)"),
    "US-DC": (ONE, False, "23-542"),
    "US-FL": (ALL, False, "934.03"),
    "US-GA": (ONE, False, "16-11-62"),
    "US-HI": (ONE, False, "803-42"),
    "US-ID": (ONE, False, "18-6702"),
    "US-IL": (ALL, False, "720 ILCS 5/14-2"),
    "US-IN": (ONE, False, "35-33.5-5-5"),
    "US-IA": (ONE, False, "808B.2"),
    "US-KS": (ONE, False, "21-6101"),
    "US-KY": (ONE, False, "526.010"),
    "US-LA": (ONE, False, "15:1303"),
    "US-ME": (ONE, False, "709"),
    "US-MD": (ALL, False, "10-402"),
    "US-MA": (ALL, False, "ch. 272 § 99"),
    "US-MI": (UNCLEAR, True, "750.539c"),
    "US-MN": (ONE, False, "626A.02"),
    "US-MS": (ONE, False, "41-29-531"),
    "US-MO": (ONE, False, "542.402"),
    "US-MT": (ALL, False, "45-8-213"),
    "US-NE": (ONE, False, "86-290"),
    "US-NV": (ALL, False, "200.620"),
    "US-NH": (ALL, False, "570-A:2"),
    "US-NJ": (ONE, False, "2A:156A-4"),
    "US-NM": (ONE, False, "30-12-1"),
    "US-NY": (ONE, False, "250.05"),
    "US-NC": (ONE, False, "15A-287"),
    "US-ND": (ONE, False, "12.1-15-02"),
    "US-OH": (ONE, False, "2933.52"),
    "US-OK": (ONE, False, "176.4"),
    "US-OR": (ONE, False, "165.540(1)(a)"),
    "US-PA": (ALL, False, "5704(4)"),
    "US-RI": (ONE, False, "11-35-21"),
    "US-SC": (ONE, False, "17-30-30"),
    "US-SD": (ONE, False, "23A-35A-20"),
    "US-TN": (ONE, False, "39-13-601"),
    "US-TX": (ONE, False, "16.02"),
    "US-UT": (ONE, False, "77-23a-4"),
    "US-VT": (ONE, True, "2605"),
    "US-VA": (ONE, False, "19.2-62"),
    "US-WA": (ALL, False, "9.73.030"),
    "US-WV": (ONE, False, "62-1D-3"),
    "US-WI": (ONE, False, "968.31"),
    "US-WY": (ONE, False, "7-3-702"),
}

# legal-facts.md summary: all-party by statute (or case law for NV); CT is civil-law all-party.
ALL_PARTY_SUMMARY = {"CA", "CT", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA"}
BASIS_B = {"AL", "CO", "DC", "FL", "ID", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MN", "MS",
           "MO", "NE", "NH", "NJ", "NM", "NC", "ND", "OH", "OK", "RI", "SC", "SD", "TN", "TX",
           "UT", "VA", "WV", "WI", "WY"}  # fmt: skip


def test_reference_covers_fifty_states_dc_and_federal() -> None:
    assert len(REFERENCE) == 52


def test_knowledge_base_has_exactly_the_us_jurisdictions(kb: KnowledgeBase) -> None:
    us_codes = {code for code in kb.jurisdictions if code == "US" or code.startswith("US-")}
    assert us_codes == set(REFERENCE)


@pytest.mark.parametrize("code", sorted(REFERENCE))
def test_rule_uncertainty_and_citation_match_reference(kb: KnowledgeBase, code: str) -> None:
    rule, uncertain, cite_fragment = REFERENCE[code]
    record = kb.jurisdiction(code)
    assert record.rule == rule, f"{code}: data says {record.rule}, reference says {rule}"
    assert record.uncertain is uncertain
    assert kb.effective_rule(code).uncertain is uncertain
    assert any(cite_fragment in citation.cite for citation in record.citations), code
    if code != "US":
        assert record.parent == "US"


def test_summary_counts_match_reference(kb: KnowledgeBase) -> None:
    all_party = {
        code.removeprefix("US-")
        for code, record in kb.jurisdictions.items()
        if code.startswith("US-") and record.rule == ALL
    }
    unclear = {c for c, r in kb.jurisdictions.items() if c.startswith("US-") and r.rule == UNCLEAR}
    assert all_party == ALL_PARTY_SUMMARY
    assert unclear == {"US-DE", "US-MI"}


@pytest.mark.parametrize("state", sorted(BASIS_B))
def test_basis_b_rows_are_marked_and_cite_the_compilations(kb: KnowledgeBase, state: str) -> None:
    record = kb.jurisdiction(f"US-{state}")
    assert record.basis == "B"
    cites = " ".join(citation.cite for citation in record.citations)
    assert "MWL" in cites and "RCFP" in cites


def test_every_state_inherits_the_federal_citations(kb: KnowledgeBase) -> None:
    for code in REFERENCE:
        cites = [citation.cite for citation in kb.effective_rule(code).citations]
        assert "18 U.S.C. § 2511(2)(c)\u2013(d)" in cites, code


def test_one_party_states_accept_the_participants_own_consent(kb: KnowledgeBase) -> None:
    for code, (rule, _, _) in REFERENCE.items():
        forms = kb.effective_rule(code).consent_forms
        assert ("participant" in forms) is (rule == ONE), code


def test_unclear_states_govern_as_all_party(kb: KnowledgeBase) -> None:
    for code in ("US-DE", "US-MI"):
        effective = kb.effective_rule(code)
        assert effective.rule == UNCLEAR
        assert effective.governing == ALL


# ---- the nuances the issue names ---------------------------------------------------------


def _text(kb: KnowledgeBase, code: str) -> str:
    record = kb.jurisdiction(code)
    return " ".join((*record.notes, *record.open_points)).lower()


def test_oregon_phone_one_party_in_person_all_party(kb: KnowledgeBase) -> None:
    oregon = kb.effective_rule("US-OR")
    assert (oregon.rule, oregon.in_person_rule) == (ONE, ALL)
    assert any("165.540(1)(c)" in c.cite for c in oregon.citations)
    assert any("Schmidt" in c.title for c in oregon.citations)
    assert "video" in _text(kb, "US-OR")  # the unverified video-call reading stays visible
    assert kb.jurisdiction("US-OR").open_points


def test_nevada_all_party_by_supreme_court_reading(kb: KnowledgeBase) -> None:
    nevada = kb.effective_rule("US-NV")
    assert (nevada.rule, nevada.in_person_rule) == (ALL, ONE)
    assert nevada.reach == "recorder_location"  # Ditech v. Buckles
    cites = {c.cite for c in nevada.citations}
    assert {"969 P.2d 938 (Nev. 1998)", "401 P.3d 215 (Nev. 2017)"} <= cites
    assert "outside nevada" in _text(kb, "US-NV")


def test_michigan_conflict_between_state_and_federal_courts(kb: KnowledgeBase) -> None:
    record = kb.jurisdiction("US-MI")
    titles = " ".join(c.title for c in record.citations)
    assert "Sullivan v. Gray" in titles and "AFT Michigan" in titles
    text = _text(kb, "US-MI")
    assert "participant" in text and "declined" in text


def test_delaware_two_conflicting_statutes(kb: KnowledgeBase) -> None:
    record = kb.jurisdiction("US-DE")
    cites = {c.cite for c in record.citations}
    assert {"Del. Code tit. 11 § 2402(c)(4)", "Del. Code tit. 11 § 1335(a)(4)"} <= cites
    assert "stricter" in _text(kb, "US-DE")


def test_vermont_has_no_statute_and_stays_uncertain(kb: KnowledgeBase) -> None:
    record = kb.jurisdiction("US-VT")
    assert record.rule == ONE and record.uncertain
    assert "no wiretap" in _text(kb, "US-VT")
    assert any("795 A.2d 1219" in c.cite for c in record.citations)  # State v. Geraw


def test_connecticut_civil_all_party_with_three_ways_to_comply(kb: KnowledgeBase) -> None:
    connecticut = kb.effective_rule("US-CT")
    assert connecticut.rule == ALL
    assert set(connecticut.consent_forms) == {"written", "affirmative", "recorded_notice",
                                              "beep_tone"}  # fmt: skip
    assert "notice_and_continue" not in connecticut.consent_forms
    text = _text(kb, "US-CT")
    assert "civil" in text and "criminal" in text and "15 seconds" in text


def test_washington_needs_the_announcement_on_the_recording(kb: KnowledgeBase) -> None:
    washington = kb.effective_rule("US-WA")
    assert washington.rule == ALL
    assert "recorded_notice" in washington.consent_forms
    assert "notice_and_continue" not in washington.consent_forms
    assert washington.reach == "party_location"
    assert "within or without" in _text(kb, "US-WA")


def test_california_follows_the_californian_party(kb: KnowledgeBase) -> None:
    california = kb.effective_rule("US-CA")
    assert california.reach == "party_location"
    assert any("Kearney" in c.title for c in california.citations)
    assert "LoanMe" in " ".join(kb.jurisdiction("US-CA").open_points)
