"""The handler rule as values: who may handle a case, and who is chosen at filing."""

from __future__ import annotations

from callwarden.cases.handlers import Parties, Person, choose, refusal

OLGA = Person("u_olga", "olga", "compliance_officer", None, True)
OSCAR = Person("u_oscar", "oscar", "compliance_officer", None, True)
OTTO = Person("u_otto", "otto", "compliance_officer", "t_alpha", True)
GONE = Person("u_gone", "gone", "compliance_officer", None, False)
SUE = Person("u_sue", "sue", "supervisor", "t_alpha", True)
ABOUT_ADA = Parties(employees=frozenset({"u_ada"}), employee_teams=frozenset({"t_alpha"}))


def test_each_reason_a_person_may_not_handle() -> None:
    assert refusal(OLGA, ABOUT_ADA) is None
    assert "not a compliance officer" in (refusal(SUE, ABOUT_ADA) or "")
    assert "disabled" in (refusal(GONE, ABOUT_ADA) or "")
    assert "own team" in (refusal(OTTO, ABOUT_ADA) or "")
    assert "employee this case is about" in (
        refusal(OLGA, Parties(employees=frozenset({"u_olga"}))) or ""
    )
    assert "whose conduct" in (refusal(OLGA, Parties(subject_user_id="u_olga")) or "")
    assert "decision under appeal" in (refusal(OLGA, Parties(first_handler_user_id="u_olga")) or "")


def test_the_least_loaded_eligible_officer_is_chosen_ties_by_username() -> None:
    everyone = [OTTO, OSCAR, OLGA, GONE, SUE]
    assert choose(everyone, ABOUT_ADA, {}) == OLGA
    assert choose(everyone, ABOUT_ADA, {"u_olga": 2, "u_oscar": 1}) == OSCAR
    assert choose(everyone, Parties(), {"u_olga": 2, "u_oscar": 1}) == OTTO
    assert choose([OTTO, SUE, GONE], ABOUT_ADA, {}) is None
