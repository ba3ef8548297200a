"""Sampling: reproducible from its seed, every stratum represented, nobody reviews their own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.qa.sampling import Candidate, PlanTooLarge, Reviewer, deal, draw, may_review


def _population(count: int, teams: int = 3, queues: int = 2) -> list[Candidate]:
    return [
        Candidate(f"rec_{i:04d}", f"agent_{i % (teams * 2)}", f"team_{i % teams}",
                  f"q{i % queues}", ("US-CA",) if i % 5 == 0 else ("US-NY",))
        for i in range(count)
    ]  # fmt: skip


def test_same_seed_same_sample_whatever_the_input_order() -> None:
    population = _population(200)
    first = draw(population, 40, seed=7)
    again = draw(list(reversed(population)), 40, seed=7)
    assert [c.recording_id for c in first.chosen] == [c.recording_id for c in again.chosen]
    other = draw(population, 40, seed=8)
    assert {c.recording_id for c in other.chosen} != {c.recording_id for c in first.chosen}


def test_a_plan_larger_than_the_population_is_refused_with_both_numbers() -> None:
    with pytest.raises(PlanTooLarge, match="asks for 11 recordings but the period has only 10"):
        draw(_population(10), 11, seed=1)


@given(
    count=st.integers(min_value=1, max_value=120),
    share=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_every_stratum_is_represented_and_the_size_is_exact(
    count: int, share: float, seed: int
) -> None:
    population = _population(count)
    size = max(1, round(count * share))
    sample = draw(population, size, seed)
    assert len(sample.chosen) == size
    assert len({c.recording_id for c in sample.chosen}) == size
    if size >= len(sample.strata):
        assert all(stratum.drawn >= 1 for stratum in sample.strata)
    assert all(stratum.drawn <= stratum.size for stratum in sample.strata)


def test_allocation_is_proportional() -> None:
    big = [Candidate(f"a{i:03d}", "u1", "t1", "q", ()) for i in range(90)]
    small = [Candidate(f"b{i:03d}", "u2", "t2", "q", ()) for i in range(10)]
    sample = draw(big + small, 20, seed=3)
    assert sorted(s.drawn for s in sample.strata) == [2, 18]


def test_reviewers_never_get_their_own_or_their_teams_calls() -> None:
    population = _population(60)
    reviewers = [
        Reviewer("agent_0", "ann", "team_0"),  # also takes calls
        Reviewer("rev_b", "bob", "team_1"),
        Reviewer("rev_c", "cat", None),
    ]
    dealt = deal(draw(population, 30, seed=5).chosen, reviewers)
    assert dealt.assigned
    for candidate, reviewer in dealt.assigned:
        assert candidate.agent_user_id != reviewer.user_id
        assert reviewer.team_id is None or candidate.team_id != reviewer.team_id
    assert {reviewer.username for _, reviewer in dealt.assigned} == {"ann", "bob", "cat"}


def test_a_recording_nobody_may_review_is_reported() -> None:
    only = Candidate("rec_1", "u1", "t1", None, ())
    dealt = deal([only], [Reviewer("u1", "self", None), Reviewer("u2", "mate", "t1")])
    assert dealt.unassigned == [only]
    assert not may_review(Reviewer("u2", "mate", "t1"), only)
