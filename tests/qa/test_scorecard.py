"""Scorecards: the shipped example loads; bad cards are refused at the line of the problem."""

from __future__ import annotations

from importlib import resources

import pytest

from callwarden.qa.scorecard import ScorecardInvalid, parse_scorecard, score

EXAMPLE = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()

CARD = """\
scorecard: tiny
title: Tiny
sections:
  - id: one
    title: One
    questions:
      - id: notice_read
        text: Notice read
        answer: yes_no
        weight: 40
        compliance: true
      - id: tone
        text: Tone
        answer: scale
        scale_max: 4
        weight: 60
"""


def test_the_example_loads_and_adds_up() -> None:
    card = parse_scorecard(EXAMPLE)
    assert sum(q.weight for q in card.questions()) == 100
    assert {q.id for q in card.questions() if q.compliance} >= {"notice_read"}


def test_weights_that_do_not_add_up_are_refused_with_the_path_and_line() -> None:
    with pytest.raises(ScorecardInvalid) as refused:
        parse_scorecard(CARD.replace("weight: 60", "weight: 55"))
    (problem,) = refused.value.problems
    assert problem.path == "sections"
    assert problem.line == 3
    assert "add up to 95, not 100" in problem.message


def test_an_unknown_key_is_refused_at_its_line() -> None:
    with pytest.raises(ScorecardInvalid) as refused:
        parse_scorecard(CARD.replace("        compliance: true", "        complaince: true"))
    (problem,) = refused.value.problems
    assert problem.path == "sections[0].questions[0].complaince"
    assert problem.line == 11


def test_a_scale_compliance_item_is_refused() -> None:
    with pytest.raises(ScorecardInvalid, match="compliance item is answered yes or no"):
        parse_scorecard(CARD.replace("weight: 60", "weight: 60\n        compliance: true"))


def test_score_from_the_weights_and_a_failed_compliance_item_fails() -> None:
    card = parse_scorecard(CARD)
    good = score(card, {"notice_read": "yes", "tone": 2})
    assert (good.score, good.passed) == (70.0, True)
    bad = score(card, {"notice_read": "no", "tone": 4})
    assert (bad.score, bad.passed, bad.failed_compliance) == (60.0, False, ["notice_read"])
    lenient = parse_scorecard(CARD.replace("title: Tiny", "title: Tiny\nfail_on_compliance: false"))
    assert score(lenient, {"notice_read": "no", "tone": 4}).passed is True


def test_broken_yaml_and_duplicate_ids_are_refused_at_their_lines() -> None:
    with pytest.raises(ScorecardInvalid) as broken:
        parse_scorecard(CARD.replace("        weight: 40", "        weight: [40"))
    assert broken.value.problems[0].line is not None
    twice = CARD.replace("id: tone", "id: notice_read")
    with pytest.raises(ScorecardInvalid) as refused:
        parse_scorecard(twice)
    (problem,) = refused.value.problems
    assert problem.path == "sections[0].questions[1].id" and problem.line == 12
    assert "used twice" in problem.message
