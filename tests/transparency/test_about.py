"""The "about recording" page's content from a compiled policy (pure): each setting it shows
moves it."""

from __future__ import annotations

from callwarden.transparency.about import describe
from tests.support.policies import compiled, example_data


def test_the_example_policy_in_words() -> None:
    page = describe(compiled())
    assert [rule.id for rule in page.scope][:2] == ["hr-line", "trading-desk"]
    hr = page.scope[0]
    assert not hr.recorded and hr.outcome == "Never recorded" and "personal" in hr.reason
    assert [p.name for p in page.purposes if p.sector_rules] == [
        "telemarketing_records",
        "regulatory_record",
    ]
    listening = {listener.role: listener for listener in page.listeners}
    assert listening["legal"].downloads and not listening["supervisor"].downloads
    assert not listening["auditor"].listens and not listening["admin"].listens
    assert "integration" not in listening
    assert page.listeners[-1].listens is False  # those who do not listen come last
    assert page.secure_pause[0].startswith("Calls where a card payment is taken")
    assert "Card payments queue" in page.secure_pause[0]
    cited = {citation.rule for citation in page.citations}
    assert cited == {"ftc-tsr", "mifid-ii", "fca-sysc-10a", "pci-dss"}
    assert page.employees_see_access is True


def test_the_policy_choices_move_the_page() -> None:
    data = example_data()
    data["access"]["auditors_may_listen"] = True
    data["training"] = {"overdue": "no_access"}
    data["payment_pause"]["max_pause_s"] = 90
    page = describe(compiled(data))
    auditor = next(listener for listener in page.listeners if listener.role == "auditor")
    assert auditor.listens and "access.auditors_may_listen" in auditor.reach
    assert any("training is overdue" in rule for rule in page.listening_rules)
    assert any("at most 90 seconds" in sentence for sentence in page.secure_pause)


def test_without_a_secure_pause_or_sector_rules() -> None:
    data = example_data()
    for rule in data["scope"]:
        rule.pop("secure_pause", None)
    for purpose in data["purposes"].values():
        purpose.pop("sector_rules", None)
    page = describe(compiled(data))
    assert page.secure_pause == ("No calls under this policy use a secure pause.",)
    assert page.citations == ()
