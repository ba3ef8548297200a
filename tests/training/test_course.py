"""Courses: the shipped example loads; a course that breaks a rule is refused at its line."""

from __future__ import annotations

from importlib import resources

import pytest

from callwarden.identity.roles import Role
from callwarden.law.durations import Duration
from callwarden.training.course import (
    CourseDocument,
    CourseInvalid,
    check_course,
    fingerprint,
    parse_course,
)
from callwarden.training.markdown import render_markdown

EXAMPLE = resources.files("callwarden.training").joinpath("examples/recording-basics.yaml")

COURSE = """\
id: tiny
title: Tiny course
version: 2
audience:
  roles: [agent]
recurrence: P1Y
completion_window: P30D
modules:
  - id: notice
    title: The notice
    content: Every recorded call starts with a notice.
  - id: pause
    title: Secure pause
    content: Pause before card details.
quiz:
  pass_mark: 50
  attempts: 2
  questions:
    - id: first
      text: When do you pause?
      kind: single
      module: pause
      options:
        - {id: before, text: Before card details}
        - {id: after, text: After the payment}
      correct: [before]
    - id: second
      text: Which calls start with a notice?
      kind: multiple
      module: notice
      options:
        - {id: recorded, text: Recorded calls}
        - {id: sampled, text: Sampled calls}
        - {id: internal, text: Internal calls}
      correct: [recorded, sampled]
"""


def refused(text: str) -> CourseInvalid:
    with pytest.raises(CourseInvalid) as error:
        parse_course(text)
    return error.value


def only_problem(text: str) -> tuple[str, int | None, str]:
    (problem,) = refused(text).problems
    return problem.path, problem.line, problem.message


def test_the_example_course_loads_covers_the_policy_topics_and_renders() -> None:
    course = parse_course(EXAMPLE.read_text())
    assert course.id == "recording-basics"
    assert course.recurrence == Duration(years=1)
    assert course.completion_window == Duration(days=30)
    assert {m.id for m in course.modules} == {
        "why-we-record",
        "when-a-caller-objects",
        "secure-pause",
        "personal-calls",
        "who-may-listen",
        "raising-a-concern",
    }
    assert course.quiz is not None
    assert {q.module for q in course.quiz.questions} == {m.id for m in course.modules}
    assert course.audience.includes("agent", None)
    assert not course.audience.includes("auditor", None)
    for module in course.modules:
        html = render_markdown(module.content)
        assert "<script" not in html and html.startswith("<")
    assert "<table>" in render_markdown(course.modules[4].content)


def test_a_small_course_loads() -> None:
    course = parse_course(COURSE)
    assert course.version == 2
    assert course.quiz is not None and course.quiz.question("second") is not None


def test_a_question_with_no_correct_answer_is_refused_at_its_line() -> None:
    path, line, message = only_problem(COURSE.replace("correct: [before]", "correct: []"))
    assert (path, line) == ("quiz.questions[0].correct", 26)
    assert "no correct answer" in message


def test_a_single_choice_question_with_two_correct_answers_is_refused() -> None:
    path, line, message = only_problem(COURSE.replace("[before]", "[before, after]"))
    assert (path, line) == ("quiz.questions[0].correct", 26)
    assert "exactly one correct answer" in message


def test_a_correct_answer_that_is_not_an_option_is_refused() -> None:
    path, _, message = only_problem(COURSE.replace("[recorded, sampled]", "[recorded, inbound]"))
    assert path == "quiz.questions[1].correct[1]"
    assert "'inbound' is not one of the question's options" in message


def test_duplicate_option_question_and_module_ids_are_refused() -> None:
    text = COURSE.replace("{id: sampled,", "{id: recorded,").replace("- id: second", "- id: first")
    text = text.replace("  - id: pause\n", "  - id: notice\n").replace(
        "module: pause", "module: notice"
    )
    paths = {problem.path for problem in refused(text).problems}
    assert paths == {
        "modules[1].id",
        "quiz.questions[1].id",
        "quiz.questions[1].options[1].id",
        "quiz.questions[1].correct[1]",  # "recorded" twice
    }


def test_a_question_naming_no_module_of_the_course_is_refused() -> None:
    path, line, message = only_problem(COURSE.replace("module: pause", "module: payments"))
    assert (path, line) == ("quiz.questions[0].module", 22)
    assert "no module 'payments'" in message


@pytest.mark.parametrize(
    ("mark", "ok"), [("0", True), ("100", True), ("101", False), ("-1", False)]
)
def test_the_pass_mark_is_a_percentage(mark: str, ok: bool) -> None:
    text = COURSE.replace("pass_mark: 50", f"pass_mark: {mark}")
    if ok:
        assert parse_course(text).quiz is not None
    else:
        path, line, _ = only_problem(text)
        assert (path, line) == ("quiz.pass_mark", 16)


def test_attempts_must_be_at_least_one() -> None:
    path, line, _ = only_problem(COURSE.replace("attempts: 2", "attempts: 0"))
    assert (path, line) == ("quiz.attempts", 17)


def test_an_audience_that_names_nobody_is_refused() -> None:
    path, line, message = only_problem(COURSE.replace("  roles: [agent]", "  roles: []"))
    assert (path, line) == ("audience", 4)
    assert "names nobody" in message


def test_integration_identities_and_unknown_roles_are_not_an_audience() -> None:
    assert only_problem(COURSE.replace("[agent]", "[integration]"))[0] == "audience.roles"
    assert only_problem(COURSE.replace("[agent]", "[agnet]"))[0] == "audience.roles[0]"


def test_an_audience_of_teams_or_roles_and_teams() -> None:
    course = parse_course(
        COURSE.replace("  roles: [agent]", "  roles: [agent]\n  teams: [Payments]")
    )
    assert course.audience.includes(Role.AGENT, "Payments")
    assert not course.audience.includes("agent", "Sales")
    assert not course.audience.includes("supervisor", "Payments")
    teams_only = parse_course(COURSE.replace("  roles: [agent]", "  teams: [Payments]"))
    assert teams_only.audience.includes("supervisor", "Payments")
    assert not teams_only.audience.includes("agent", None)


def test_recurrence_none_and_bad_durations() -> None:
    assert parse_course(COURSE.replace("recurrence: P1Y", "recurrence: none")).recurrence is None
    assert parse_course(COURSE.replace("recurrence: P1Y\n", "")).recurrence is None
    assert only_problem(COURSE.replace("P30D", "PT30M"))[0] == "completion_window"
    assert only_problem(COURSE.replace("P30D", "P0D"))[0] == "completion_window"
    path, _, message = only_problem(COURSE.replace("recurrence: P1Y", "recurrence: P7D"))
    assert path == "recurrence" and "before the last round's window closes" in message


def test_an_unknown_key_is_refused_at_its_line() -> None:
    problems = refused(COURSE.replace("pass_mark: 50", "pass_mrak: 50")).problems
    assert {(p.path, p.line) for p in problems} == {("quiz.pass_mrak", 16), ("quiz.pass_mark", 15)}


def test_broken_yaml_and_aliases_are_refused_like_a_policy() -> None:
    assert only_problem(COURSE.replace("title: Tiny course", "title: [Tiny"))[1] is not None
    _, line, message = only_problem(
        COURSE.replace("  roles: [agent]", "  roles: &r [agent]\n  teams: *r")
    )
    assert "aliases are not allowed" in message and line == 6


def test_a_course_built_in_code_is_held_to_the_same_rules() -> None:
    course = parse_course(COURSE)
    assert check_course(course) is course
    data = course.model_dump(mode="json")
    data["quiz"]["questions"][0]["correct"] = []
    with pytest.raises(CourseInvalid, match="no correct answer"):
        check_course(CourseDocument.model_validate(data))


def test_the_fingerprint_follows_the_content_not_the_layout() -> None:
    course = parse_course(COURSE)
    relaid = COURSE.replace("  roles: [agent]", "  roles:\n    - agent  # the agents").replace(
        "version: 2", "version: 2\n# a comment"
    )
    assert fingerprint(parse_course(relaid)) == fingerprint(course)
    reworded = parse_course(COURSE.replace("After the payment", "After the payment is taken"))
    assert fingerprint(reworded) != fingerprint(course)
    assert len(fingerprint(course)) == 64
