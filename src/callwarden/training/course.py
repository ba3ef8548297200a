"""A training course: its YAML shape and the rules a course must keep (pure).

A course is a document a compliance officer writes (or uploads) and the business must later be
able to show exactly: which modules a learner read, which quiz they took and what counted as a
right answer. So the shape is strict in the same way as the policy's and the QA scorecard's:
unknown keys are refused (a misspelt `pass_mrak` must not silently mean "no pass mark"), and
the YAML is read through `policy.loading.read_yaml`, so anchors, tags, duplicate keys and
oversized files are refused the same way, each problem at its line.

Rules no field type can hold are checked in `course_problems`: every question has a right
answer, a single-choice question exactly one, each right answer is one of the question's
options, ids are unique, each question names a module of the course (a failed quiz says which
modules to review). An audience that names nobody (no role and no team) is refused here; an
audience whose teams or roles match no current user can only be seen against the users, so the
service that publishes the course checks that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callwarden.identity.roles import Role
from callwarden.law.schema import IsoDuration
from callwarden.policy.loading import Path_, dotted, nearest_line, read_yaml, validation_problems
from callwarden.policy.problems import DocumentInvalid, PolicyInvalid, Problem

Identifier = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_MODULE_CHARS = 64 * 1024
MAX_ATTEMPTS = 100
EXAMPLE = "start from training/examples/recording-basics.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Module(_Strict):
    """One part of a course: Markdown a learner reads (rendered by `training.markdown`)."""

    id: str = Identifier
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=MAX_MODULE_CHARS)


class Option(_Strict):
    id: str = Identifier
    text: str = Field(min_length=1, max_length=1000)


class Question(_Strict):
    """A question with its right answers; `module` is what a learner who misses it reviews."""

    id: str = Identifier
    text: str = Field(min_length=1, max_length=2000)
    kind: Literal["single", "multiple"]
    module: str = Identifier
    options: list[Option] = Field(min_length=2, max_length=20)
    correct: list[str] = Field(description="The ids of the options that are right.")
    points: int = Field(default=1, ge=1, le=100)

    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]


class Quiz(_Strict):
    """Scored on the server; passed when the percentage earned reaches `pass_mark`."""

    pass_mark: int = Field(ge=0, le=100, description="Percentage needed to pass, 0–100.")
    attempts: int = Field(ge=1, le=MAX_ATTEMPTS, description="Attempts each learner has.")
    questions: list[Question] = Field(min_length=1, max_length=200)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class Audience(_Strict):
    """Who must take the course: users with one of `roles` and, when `teams` are given, on one
    of them. Either list may be left out, not both."""

    roles: list[Role] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)

    @field_validator("roles")
    @classmethod
    def _people_only(cls, roles: list[Role]) -> list[Role]:
        if Role.INTEGRATION in roles:
            raise ValueError("integration identities are not people and take no training")
        return roles

    @field_validator("teams")
    @classmethod
    def _team_names(cls, teams: list[str]) -> list[str]:
        if any(not name.strip() or len(name) > 120 for name in teams):
            raise ValueError("a team is named by its name (1 to 120 characters)")
        return teams

    def includes(self, role: str, team: str | None) -> bool:
        """Whether a user with `role` on `team` (a team's name, or None) is in the audience."""
        if self.roles and role not in self.roles:
            return False
        return not self.teams or team in self.teams


class CourseDocument(_Strict):
    id: str = Identifier
    title: str = Field(min_length=1, max_length=200)
    version: int = Field(ge=1, description="Raised with every change learners should see.")
    summary: str = Field(default="", max_length=2000)
    audience: Audience
    recurrence: IsoDuration | None = Field(
        default=None, description="Taken again this long after completing (P1Y), or none."
    )
    completion_window: IsoDuration = Field(description="Time from assignment to due date.")
    modules: list[Module] = Field(min_length=1, max_length=100)
    quiz: Quiz | None = None

    @field_validator("recurrence", mode="before")
    @classmethod
    def _none_spelt_out(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip().lower() == "none" else value

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)


def fingerprint(course: CourseDocument) -> str:
    """The sha256 of the course's content, as canonical JSON: what a completion records as
    "what they were shown". The YAML's layout and comments do not count; every word does."""
    canonical = json.dumps(
        course.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class CourseInvalid(DocumentInvalid):
    """A course that cannot be stored."""

    code = "course_invalid"
    title = "Course is invalid"
    kind = "course"


_FIXES = {"extra_forbidden": "remove this key or correct its spelling (see training/examples/)"}


def parse_course(text: str, source: str = "course") -> CourseDocument:
    """The course in `text`, or CourseInvalid naming each problem's path and line."""
    try:
        raw, lines = read_yaml(text, source, EXAMPLE)
    except PolicyInvalid as error:
        raise CourseInvalid(error.problems, source) from None
    try:
        course = CourseDocument.model_validate(raw)
    except ValidationError as error:
        raise CourseInvalid(validation_problems(error, lines, _FIXES), source) from None
    problems = course_problems(course, lines)
    if problems:
        raise CourseInvalid(problems, source)
    return course


def check_course(course: CourseDocument) -> CourseDocument:
    """`course` if it keeps the rules, else CourseInvalid (for a course not read from YAML)."""
    problems = course_problems(course, {})
    if problems:
        raise CourseInvalid(problems)
    return course


def course_problems(course: CourseDocument, lines: dict[Path_, int]) -> list[Problem]:
    """Every rule the course breaks, each at its path (and line, when `lines` has it)."""
    found = _Found(lines)
    at = found.at
    if not course.audience.roles and not course.audience.teams:
        at(("audience",), "the audience names nobody", "list the roles, the teams, or both")
    if course.completion_window.approx_days <= 0:
        at(("completion_window",), "the completion window is empty", "give a duration, e.g. P30D")
    if course.recurrence is not None and course.recurrence <= course.completion_window:
        at(
            ("recurrence",),
            "the course would come due again before the last round's window closes",
            "make the recurrence longer than the completion window, or none",
        )
    for index in _duplicates(module.id for module in course.modules):
        at(("modules", index, "id"), "this module id is used twice", "give each module its own id")
    if course.quiz is not None:
        _quiz_problems(course, course.quiz, at)
    return sorted(found.problems, key=lambda problem: problem.line or 0)


class _Found:
    """Problems collected at their paths, each placed at its line when the document has it."""

    def __init__(self, lines: dict[Path_, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def at(self, path: Path_, message: str, fix: str) -> None:
        self.problems.append(
            Problem(dotted(path), message, fix, line=nearest_line(self.lines, path))
        )


def _quiz_problems(
    course: CourseDocument, quiz: Quiz, at: Callable[[Path_, str, str], None]
) -> None:
    modules = {module.id for module in course.modules}
    for index in _duplicates(question.id for question in quiz.questions):
        at(
            ("quiz", "questions", index, "id"),
            "this question id is used twice",
            "give each its own",
        )
    for q, question in enumerate(quiz.questions):
        here: Path_ = ("quiz", "questions", q)
        if question.module not in modules:
            at(
                (*here, "module"),
                f"no module {question.module!r} in this course",
                "name the module this question tests: " + ", ".join(sorted(modules)),
            )
        for index in _duplicates(question.option_ids()):
            at((*here, "options", index, "id"), "this option id is used twice", "give each its own")
        options = set(question.option_ids())
        if not question.correct:
            at((*here, "correct"), "the question has no correct answer", "list the right option")
        elif question.kind == "single" and len(question.correct) > 1:
            at(
                (*here, "correct"),
                "a single-choice question has exactly one correct answer",
                "keep one, or make it kind: multiple",
            )
        for index in _duplicates(question.correct):
            at((*here, "correct", index), "this answer is listed twice", "list it once")
        for index, answer in enumerate(question.correct):
            if answer not in options:
                at(
                    (*here, "correct", index),
                    f"{answer!r} is not one of the question's options",
                    "use an option id: " + ", ".join(question.option_ids()),
                )


def _duplicates(values: Iterable[str]) -> list[int]:
    """The positions of values already seen earlier in `values`."""
    seen: set[str] = set()
    repeated: list[int] = []
    for index, value in enumerate(values):
        if value in seen:
            repeated.append(index)
        seen.add(value)
    return repeated
