"""Validation findings about a policy document: where, what is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from callwarden.kit.errors import InvalidInput

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str
    fix: str
    severity: Severity = "error"
    line: int | None = None
    parts: tuple[str | int, ...] = ()

    def describe(self, source: str = "policy") -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.severity}: {self.path or '(document)'}: {self.message} — {self.fix}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


class DocumentInvalid(InvalidInput):
    """A YAML document (a policy, a QA scorecard, a course) that cannot be stored; carries every
    problem found, not just the first, each with its path and line. `kind` names the document
    in the message when the caller gives no source."""

    code = "document_invalid"
    title = "Document is invalid"
    kind = "document"

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        source = source or self.kind
        errors = [problem for problem in problems if problem.severity == "error"]
        lines = [problem.describe(source) for problem in errors]
        summary = f"{len(errors)} problem(s) in {source}: " + "; ".join(lines[:3])
        if len(lines) > 3:
            summary += f"; and {len(lines) - 3} more"
        super().__init__(summary, problems=[problem.as_dict() for problem in problems])
        self.problems = problems
        self.source = source


class PolicyInvalid(DocumentInvalid):
    """A policy that cannot become a version."""

    code = "policy_invalid"
    title = "Policy document is invalid"
    kind = "policy"
