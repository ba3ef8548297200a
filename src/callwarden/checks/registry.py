"""The registry of compliance checks: what a check is, what it returns, and how one is added.

A check is a function over one period's data that returns what it found. It reads through the
domains' services (or a repository of its own for bulk reads), never writes: storing a run and
its findings, and working them, is `checks.runs`'s job. A check says what it found as a
`Found` with a `key` that is stable across runs (the same missing recording found tomorrow is
the same finding, not a new one), a severity, the evidence, and the policy clause or legal rule
with its citation. Adding a check is adding one module to `checks/catalogue/` that decorates a
function with `@check(...)`; the training and concerns issues add theirs the same way.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from callwarden.config import Settings

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[str, ...] = get_args(Severity)


@dataclass(frozen=True)
class Period:
    """The half-open time range a run looks at: [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Evidence:
    """What a finding rests on: ids a person can open (calls, recordings, audit events by seq,
    users by username, holds), and any figures, in a form that reads without the code."""

    calls: tuple[str, ...] = ()
    recordings: tuple[str, ...] = ()
    events: tuple[int, ...] = ()
    users: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    figures: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """The policy clause or legal rule a finding is measured against, with its citation
    ("" when it is the organisation's own policy) and whether the law is uncertain there."""

    text: str
    citation: str = ""
    uncertain: bool = False


@dataclass(frozen=True)
class Found:
    """One thing a check found. `key` identifies it within its check across runs."""

    key: str
    severity: Severity
    summary: str
    evidence: Evidence
    rule: Rule
    detail: str = ""


@dataclass(frozen=True)
class Context:
    """What a check may need besides the session and period: the moment of the run (the clock,
    frozen in tests) and the data directory's settings (key files, for the posture check)."""

    now: datetime
    settings: Settings


CheckFunction = Callable[[Session, Period, Context], Iterable[Found]]


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    description: str
    function: CheckFunction


_CHECKS: dict[str, Check] = {}


def check(name: str, title: str, description: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under `name` (lower-case, `a-z0-9_`): `title` for people, and a
    `description` of what it counts, which the report's methods section prints."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in _CHECKS and _CHECKS[name].function is not function:
            raise ValueError(f"check {name!r} is already registered")
        _CHECKS[name] = Check(name, title, description, function)
        return function

    return register


def registered() -> dict[str, Check]:
    """Every check, by name (importing each module of `checks.catalogue` first)."""
    from callwarden.checks import catalogue

    for module in pkgutil.iter_modules(catalogue.__path__):
        importlib.import_module(f"{catalogue.__name__}.{module.name}")
    return dict(sorted(_CHECKS.items()))
