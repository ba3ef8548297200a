"""The registry of the report's added sections: how another area puts its part in the report.

A section is a function `(session, period, context) -> Section | None` decorated with
`@section(key)` in a module of `reports/contributions/`; `registered()` imports each module of
that package first, the way the checks' catalogue is found, so adding a section is adding one
module. A function that has nothing to say for the period returns None and the report leaves
it out. The training and the concerns areas add theirs this way.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from callwarden.checks.registry import Period
from callwarden.reports.model import Section

if TYPE_CHECKING:
    from callwarden.config import Settings


@dataclass(frozen=True)
class SectionContext:
    """What a section may need besides the session and period: the report's moment and the
    data directory's settings."""

    now: datetime
    settings: Settings


SectionFunction = Callable[[Session, Period, SectionContext], Section | None]
_SECTIONS: dict[str, SectionFunction] = {}


def section(key: str) -> Callable[[SectionFunction], SectionFunction]:
    """Register a section of the report under `key` (its `Section.key`), in key order."""

    def register(function: SectionFunction) -> SectionFunction:
        if key in _SECTIONS and _SECTIONS[key] is not function:
            raise ValueError(f"report section {key!r} is already registered")
        _SECTIONS[key] = function
        return function

    return register


def registered() -> dict[str, SectionFunction]:
    """Every section, by key (importing each module of `reports.contributions` first)."""
    from callwarden.reports import contributions

    for module in pkgutil.iter_modules(contributions.__path__):
        importlib.import_module(f"{contributions.__name__}.{module.name}")
    return dict(sorted(_SECTIONS.items()))


def gather_sections(
    session: Session, period: Period, context: SectionContext
) -> tuple[Section, ...]:
    """Each registered section's part for the period, those with something to say."""
    made = (function(session, period, context) for function in registered().values())
    return tuple(part for part in made if part is not None)
