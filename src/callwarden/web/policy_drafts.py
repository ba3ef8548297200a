"""A policy draft as the console receives it (an uploaded file or pasted text) and its lines
with the problems found on each, for the policy pages (`pages/policy.py`).

Browsers send a form's line ends as CRLF; the draft is kept with LF, as files are written, so
the text applied is the text that was uploaded and its hash matches the same file applied by
the API or the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import UploadFile

from callwarden.kit.errors import InvalidInput
from callwarden.policy.loading import MAX_POLICY_BYTES
from callwarden.policy.problems import Problem

DEFAULT_SOURCE = "console"
# The characters YAML counts as line breaks, so a line number here is the parser's line number.
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    note: str
    filename: str | None

    @property
    def source(self) -> str:
        """What the version records as its source: the note, else the file's name."""
        return (self.note or self.filename or DEFAULT_SOURCE)[:200]

    @property
    def too_large(self) -> bool:
        return len(self.text.encode()) > MAX_POLICY_BYTES


@dataclass(frozen=True, slots=True)
class DraftLine:
    number: int
    text: str
    problems: tuple[Problem, ...]


def draft_from_form(text: str, note: str, upload: UploadFile | None) -> Draft:
    """The uploaded file when one was chosen, else the pasted text.

    At most one byte past the limit is read from a file, so a huge one costs no memory and is
    still reported as too large by the loader.
    """
    filename = None
    if upload is not None and upload.filename:
        raw = upload.file.read(MAX_POLICY_BYTES + 1)
        if raw:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{upload.filename} is not UTF-8 text; save the policy as UTF-8 YAML"
                ) from None
            filename = upload.filename[:200]
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return Draft(normalised, note.strip(), filename)


def problem_lines(text: str, problems: list[Problem]) -> list[DraftLine]:
    """Every line of the draft, each with the problems placed on it (none for an oversize one)."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        return []
    placed: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.line is not None:
            placed.setdefault(problem.line, []).append(problem)
    lines = YAML_LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no line of its own
    return [
        DraftLine(number, line, tuple(placed.get(number, ())))
        for number, line in enumerate(lines, start=1)
    ]
