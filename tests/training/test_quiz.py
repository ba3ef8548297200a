"""Quizzes: nothing sent to the browser says which answers are right; scoring on the server."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.training.course import CourseDocument, Question, Quiz, parse_course
from callwarden.training.quiz import (
    attempts_left,
    check_attempt_allowed,
    public_questions,
    score,
)

EXAMPLE = parse_course(
    resources.files("callwarden.training").joinpath("examples/recording-basics.yaml").read_text()
)
assert EXAMPLE.quiz is not None
QUIZ: Quiz = EXAMPLE.quiz


def perfect(quiz: Quiz) -> dict[str, list[str]]:
    return {question.id: list(question.correct) for question in quiz.questions}


def with_answers(course: CourseDocument, correct: list[list[str]]) -> CourseDocument:
    assert course.quiz is not None
    questions = [
        question.model_copy(update={"correct": answers})
        for question, answers in zip(course.quiz.questions, correct, strict=True)
    ]
    return course.model_copy(
        update={"quiz": course.quiz.model_copy(update={"questions": questions})}
    )


def test_the_public_questions_carry_no_correct_answer() -> None:
    public = public_questions(EXAMPLE)
    assert public is not None
    document = json.loads(public.model_dump_json())
    assert "correct" not in public.model_dump_json()
    assert [q["id"] for q in document["questions"]] == [q.id for q in QUIZ.questions]
    assert all(
        set(q) == {"id", "text", "kind", "module", "points", "options"}
        for q in document["questions"]
    )
    assert all(set(o) == {"id", "text"} for q in document["questions"] for o in q["options"])


def _any_answers(question: Question) -> st.SearchStrategy[list[str]]:
    ids = question.option_ids()
    if question.kind == "single":
        return st.sampled_from(ids).map(lambda option: [option])
    return st.lists(st.sampled_from(ids), min_size=1, unique=True)


@given(st.tuples(*(_any_answers(question) for question in QUIZ.questions)))
def test_what_the_browser_gets_does_not_depend_on_the_answers(
    answers: tuple[list[str], ...],
) -> None:
    changed = with_answers(EXAMPLE, list(answers))
    assert public_questions(changed) == public_questions(EXAMPLE)


def test_a_perfect_sheet_passes_and_an_empty_one_reviews_everything_in_order() -> None:
    result = score(QUIZ, perfect(QUIZ))
    assert (result.earned, result.possible, result.percentage, result.passed) == (8, 8, 100.0, True)
    assert result.review == ()
    empty = score(QUIZ, {})
    assert (empty.percentage, empty.passed) == (0.0, False)
    assert empty.unanswered == tuple(q.id for q in QUIZ.questions)
    assert empty.review == tuple(m.id for m in EXAMPLE.modules)


def test_multiple_choice_is_all_or_nothing() -> None:
    sheet = perfect(QUIZ)
    sheet["purposes"] = ["quality"]  # one of the two right answers
    assert score(QUIZ, sheet).earned == 7
    sheet["purposes"] = ["quality", "dispute", "marketing"]  # every right one, and a wrong one
    result = score(QUIZ, sheet)
    assert result.earned == 7 and result.percentage == 87.5
    assert result.passed  # 87.5 >= 80: nothing to review on a passed attempt
    assert result.review == ()


def test_a_failed_attempt_names_the_modules_of_the_questions_missed() -> None:
    sheet = perfect(QUIZ)
    sheet["pause-when"] = ["after"]
    sheet["private-heard"] = ["team"]
    result = score(QUIZ, sheet)
    assert result.percentage == 75.0 and not result.passed
    assert result.review == ("secure-pause", "personal-calls")
    assert [r.question for r in result.questions if not r.right] == ["pause-when", "private-heard"]


def test_the_pass_mark_is_reached_exactly() -> None:
    quiz = QUIZ.model_copy(update={"pass_mark": 75})
    sheet = perfect(QUIZ) | {"pause-when": ["after"], "private-heard": ["team"]}
    assert score(quiz, sheet).passed  # 6 of 8 is exactly 75%


def test_a_single_answer_may_be_given_as_text() -> None:
    assert score(QUIZ, {"objection": "stop"}).questions[1].right


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ({"no-such-question": ["a"]}, "no question 'no-such-question'"),
        ({"objection": ["shout"]}, "'shout' is not one of its options"),
        ({"objection": ["stop", "end"]}, "choose one option"),
        ({"purposes": ["quality", "quality"]}, "chosen twice"),
        ({"objection": 3}, "answer with option ids"),
        ({"objection": [3]}, "3 is not one of its options"),
    ],
)
def test_a_sheet_no_page_could_send_is_refused(sheet: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        score(QUIZ, sheet)  # type: ignore[arg-type]


@given(st.tuples(*(st.none() | _any_answers(question) for question in QUIZ.questions)))
def test_any_sheet_scores_between_0_and_100(answers: tuple[list[str] | None, ...]) -> None:
    sheet = {q.id: a for q, a in zip(QUIZ.questions, answers, strict=True) if a is not None}
    result = score(QUIZ, sheet)
    assert 0 <= result.percentage <= 100
    assert result.passed == (result.earned * 100 >= QUIZ.pass_mark * result.possible)
    assert bool(result.review) == (not result.passed)
    wrong = {r.module for r in result.questions if not r.right}
    assert set(result.review) == (wrong if not result.passed else set())


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=1, max_value=5))
def test_a_perfect_sheet_passes_whatever_the_mark(pass_mark: int, points: int) -> None:
    questions = [q.model_copy(update={"points": points}) for q in QUIZ.questions]
    quiz = QUIZ.model_copy(update={"pass_mark": pass_mark, "questions": questions})
    result = score(quiz, perfect(quiz))
    assert result.passed and result.percentage == 100.0


def test_attempts_run_out_and_a_passed_quiz_takes_no_more() -> None:
    assert attempts_left(QUIZ, 0) == 3 and attempts_left(QUIZ, 5) == 0
    check_attempt_allowed(QUIZ, 2, passed_already=False)
    with pytest.raises(Conflict, match="all 3 attempt"):
        check_attempt_allowed(QUIZ, 3, passed_already=False)
    with pytest.raises(Conflict, match="already passed"):
        check_attempt_allowed(QUIZ, 1, passed_already=True)


def test_a_course_without_a_quiz_has_no_questions() -> None:
    assert public_questions(EXAMPLE.model_copy(update={"quiz": None})) is None
