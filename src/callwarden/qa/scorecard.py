"""A QA scorecard: its YAML shape, its rules, and the score of a set of answers (pure).

Weights add up to 100 over the whole card (a section weighs what its questions weigh), so a
score reads as "points of 100" and a card's sections can differ in size without a second set of
numbers to keep consistent. A question answered "n/a" leaves the score: the result is the share
of the applicable weight earned, times 100. Compliance items are yes/no questions (with n/a
when allowed); on a card with `fail_on_compliance`, any compliance item answered "no" fails the
evaluation whatever the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from callwarden.kit.errors import InvalidInput
from callwarden.policy.loading import Path_, dotted, nearest_line, read_yaml, validation_problems
from callwarden.policy.problems import DocumentInvalid, PolicyInvalid, Problem

TOTAL_WEIGHT = 100
MAX_SCORECARD_SOURCE = 256 * 1024
Identifier = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    id: str = Identifier
    text: str = Field(min_length=1, max_length=1000)
    answer: Literal["yes_no", "yes_no_na", "scale"]
    scale_max: int | None = Field(default=None, ge=1, le=10)
    weight: float = Field(ge=0, le=TOTAL_WEIGHT)
    compliance: bool = False

    @model_validator(mode="after")
    def _scale_fits(self) -> Question:
        if self.answer == "scale" and self.scale_max is None:
            raise ValueError("a scale question needs scale_max (the top of its 0–N scale)")
        if self.answer != "scale" and self.scale_max is not None:
            raise ValueError("scale_max belongs only to questions with answer: scale")
        if self.compliance and self.answer == "scale":
            raise ValueError("a compliance item is answered yes or no: use yes_no or yes_no_na")
        return self


class Section(_Strict):
    id: str = Identifier
    title: str = Field(min_length=1, max_length=200)
    questions: list[Question] = Field(min_length=1)


class ScorecardDocument(_Strict):
    scorecard: str = Identifier
    title: str = Field(min_length=1, max_length=200)
    fail_on_compliance: bool = True
    sections: list[Section] = Field(min_length=1)

    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)


class ScorecardInvalid(DocumentInvalid):
    """A card that cannot be stored."""

    code = "scorecard_invalid"
    title = "Scorecard is invalid"
    kind = "scorecard"


_FIXES = {"extra_forbidden": "remove this key or correct its spelling (see qa/examples/)"}


def parse_scorecard(text: str, source: str = "scorecard") -> ScorecardDocument:
    """The card in `text`, or ScorecardInvalid naming each problem's path and line."""
    try:
        raw, lines = read_yaml(text, source, "start from qa/examples/inbound.yaml")
    except PolicyInvalid as error:
        raise ScorecardInvalid(error.problems, source) from None
    try:
        card = ScorecardDocument.model_validate(raw)
    except ValidationError as error:
        raise ScorecardInvalid(validation_problems(error, lines, _FIXES), source) from None
    problems = _rule_problems(card, lines)
    if problems:
        raise ScorecardInvalid(problems, source)
    return card


def _rule_problems(card: ScorecardDocument, lines: dict[Path_, int]) -> list[Problem]:
    problems: list[Problem] = []

    def at(path: Path_, message: str, fix: str) -> None:
        problems.append(Problem(dotted(path), message, fix, line=nearest_line(lines, path)))

    seen: dict[str, Path_] = {}
    for s, section in enumerate(card.sections):
        for q, question in enumerate(section.questions):
            path: Path_ = ("sections", s, "questions", q, "id")
            if question.id in seen:
                at(path, f"question id {question.id!r} is used twice", "give each an own id")
            seen.setdefault(question.id, path)
    total = sum(question.weight for question in card.questions())
    if abs(total - TOTAL_WEIGHT) > 1e-9:
        at(
            ("sections",),
            f"the weights add up to {total:g}, not {TOTAL_WEIGHT}",
            f"change the questions' weights so that the whole card adds up to {TOTAL_WEIGHT}",
        )
    return problems


Answer = Literal["yes", "no", "na"] | int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a set of answers comes to: score of 100 (None when nothing applied) and pass."""

    score: float | None
    passed: bool
    failed_compliance: list[str]


def check_answer(question: Question, value: Any) -> Answer:
    """`value` as an answer to `question`, or InvalidInput saying what it accepts."""
    if question.answer == "scale":
        top = question.scale_max or 0
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise InvalidInput(f"{question.id}: answer a whole number from 0 to {top}")
        return value
    allowed = ("yes", "no", "na") if question.answer == "yes_no_na" else ("yes", "no")
    if value not in allowed:
        raise InvalidInput(f"{question.id}: answer one of {', '.join(allowed)}")
    return str(value)  # type: ignore[return-value]


def score(card: ScorecardDocument, answers: dict[str, Answer]) -> Outcome:
    """The score of complete, checked `answers`: earned weight over applicable weight."""
    earned = applicable = 0.0
    failed: list[str] = []
    for question in card.questions():
        answer = answers[question.id]
        if answer == "na":
            continue
        applicable += question.weight
        if isinstance(answer, int):
            earned += question.weight * answer / (question.scale_max or 1)
        elif answer == "yes":
            earned += question.weight
        elif question.compliance:
            failed.append(question.id)
    value = round(earned / applicable * 100, 2) if applicable else None
    passed = not (failed and card.fail_on_compliance)
    return Outcome(value, passed, failed)
