"""A course's quiz as the browser sees it, and an answer sheet scored on the server (pure).

The right answers never leave the server before an attempt is submitted: `public_questions`
builds the questions from the options alone, so nothing a page or an API answer is made from
could carry them. Scoring happens here, on the server, from the stored course; the browser only
sends the option ids it chose.

Multiple-choice questions are all-or-nothing: the question's points are earned only when the
chosen options are exactly the right ones. Partial credit per ticked option would reward ticking
every box, and negative marking to stop that is hard to explain to a learner; and in this
subject a half-right answer is wrong in practice ("who may listen to a recording": naming one
role that may not is the mistake that matters).

A failed attempt says which modules to review: those tested by the questions missed, in the
order the quiz asks them. It does not say what the right answers were, since the learner may
have attempts left; whether to show them after the last attempt is the page's choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.training.course import CourseDocument, Question, Quiz


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class PublicOption(_Public):
    id: str
    text: str


class PublicQuestion(_Public):
    """A question as sent to a learner: its options, never which of them are right."""

    id: str
    text: str
    kind: Literal["single", "multiple"]
    module: str
    points: int
    options: list[PublicOption]


class PublicQuiz(_Public):
    pass_mark: int
    attempts: int
    questions: list[PublicQuestion]


def public_questions(course: CourseDocument) -> PublicQuiz | None:
    """The course's quiz without its answers (None for a course with no quiz)."""
    if course.quiz is None:
        return None
    return PublicQuiz(
        pass_mark=course.quiz.pass_mark,
        attempts=course.quiz.attempts,
        questions=[
            PublicQuestion(
                id=question.id,
                text=question.text,
                kind=question.kind,
                module=question.module,
                points=question.points,
                options=[PublicOption(id=o.id, text=o.text) for o in question.options],
            )
            for question in course.quiz.questions
        ],
    )


Answers = Mapping[str, str | Sequence[str]]
"""Question id to the chosen option id (single choice) or ids (multiple choice)."""


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: str
    module: str
    points: int  # what the question is worth
    earned: int  # all or nothing
    answered: bool

    @property
    def right(self) -> bool:
        return self.earned == self.points


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What an answer sheet comes to; `chosen` is the checked sheet, for the attempt's record."""

    earned: int
    possible: int
    percentage: float  # 0–100, rounded to two places for showing; `passed` uses exact sums
    pass_mark: int
    passed: bool
    questions: tuple[QuestionResult, ...]
    review: tuple[str, ...]  # module ids to read again (a failed attempt only)
    chosen: Mapping[str, tuple[str, ...]]

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(result.question for result in self.questions if not result.answered)


def score(quiz: Quiz, answers: Answers) -> AttemptResult:
    """Score `answers` against `quiz`. A question left out earns nothing (a browser sends no
    value for a radio group left empty); an answer that no page of ours could have sent (an
    unknown question or option, two answers to a single-choice question) is refused with
    InvalidInput, so a tampered sheet never becomes an attempt."""
    chosen = check_answers(quiz, answers)
    results: list[QuestionResult] = []
    for question in quiz.questions:
        picked = chosen.get(question.id, ())
        right = bool(picked) and set(picked) == set(question.correct)
        results.append(
            QuestionResult(
                question=question.id,
                module=question.module,
                points=question.points,
                earned=question.points if right else 0,
                answered=bool(picked),
            )
        )
    earned = sum(result.earned for result in results)
    possible = sum(result.points for result in results)
    passed = earned * 100 >= quiz.pass_mark * possible
    review: list[str] = []
    if not passed:
        for result in results:
            if not result.right and result.module not in review:
                review.append(result.module)
    return AttemptResult(
        earned=earned,
        possible=possible,
        percentage=round(earned * 100 / possible, 2),
        pass_mark=quiz.pass_mark,
        passed=passed,
        questions=tuple(results),
        review=tuple(review),
        chosen=chosen,
    )


def check_answers(quiz: Quiz, answers: Answers) -> dict[str, tuple[str, ...]]:
    """`answers` as option ids per question, or InvalidInput naming what is wrong."""
    checked: dict[str, tuple[str, ...]] = {}
    for question_id, value in answers.items():
        question = quiz.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise InvalidInput(f"there is no question {question_id!r} in this quiz")
        checked[question.id] = _checked_choice(question, value)
    return checked


def _checked_choice(question: Question, value: object) -> tuple[str, ...]:
    picked: tuple[object, ...]
    if isinstance(value, str):
        picked = (value,)
    elif isinstance(value, Sequence):
        picked = tuple(value)
    else:
        raise InvalidInput(f"{question.id}: answer with option ids")
    options = question.option_ids()
    for option in picked:
        if not isinstance(option, str) or option not in options:
            raise InvalidInput(f"{question.id}: {option!r} is not one of its options")
    if len(set(picked)) != len(picked):
        raise InvalidInput(f"{question.id}: an option is chosen twice")
    if question.kind == "single" and len(picked) > 1:
        raise InvalidInput(f"{question.id}: choose one option")
    return tuple(str(option) for option in picked)


def attempts_left(quiz: Quiz, attempts_used: int) -> int:
    return max(quiz.attempts - attempts_used, 0)


def check_attempt_allowed(quiz: Quiz, attempts_used: int, passed_already: bool) -> None:
    """Refuse a new attempt once the quiz is passed (a second submission of a passed quiz,
    e.g. a form sent twice) or when every attempt is used; Conflict, since the sheet may be
    fine but the learner's state does not allow it."""
    if passed_already:
        raise Conflict("this quiz is already passed; no further attempt is recorded")
    if attempts_left(quiz, attempts_used) == 0:
        raise Conflict(
            f"all {quiz.attempts} attempt(s) at this quiz are used; "
            "a compliance officer can assign the course again"
        )
