"""Two policy texts side by side as a line diff a person can read without colour.

`service.diff` gives the unified diff that tools read; this gives each line with its numbers in
the old and new text and what happened to it (kept, added, removed), and marks the gaps where
unchanged lines were left out, so a page can write "added" and "removed" in words.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

LineChange = Literal["kept", "added", "removed", "gap"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    change: LineChange
    old_number: int | None  # 1-based line in the older text; None for an added line or a gap
    new_number: int | None  # 1-based line in the newer text; None for a removed line or a gap
    text: str


@dataclass(frozen=True, slots=True)
class LineDiff:
    lines: tuple[DiffLine, ...]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def line_diff(before: str, after: str, context: int = 3) -> LineDiff:
    """The changed lines of `after` against `before`, with `context` unchanged lines around each
    change; a run of unchanged lines left out becomes one `gap` line saying how many."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    lines: list[DiffLine] = []
    shown_until = 0  # the old line up to which the output has accounted for the text
    added = removed = 0
    for group in matcher.get_grouped_opcodes(context):
        first_old = group[0][1]
        if first_old > shown_until:
            lines.append(_gap(first_old - shown_until))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                for offset in range(old_end - old_start):
                    lines.append(
                        DiffLine(
                            "kept",
                            old_start + offset + 1,
                            new_start + offset + 1,
                            old[old_start + offset],
                        )
                    )
                continue
            for number in range(old_start, old_end):
                lines.append(DiffLine("removed", number + 1, None, old[number]))
                removed += 1
            for number in range(new_start, new_end):
                lines.append(DiffLine("added", None, number + 1, new[number]))
                added += 1
        shown_until = group[-1][2]
    if lines and shown_until < len(old):
        lines.append(_gap(len(old) - shown_until))
    return LineDiff(tuple(lines), added, removed)


def _gap(count: int) -> DiffLine:
    noun = "line" if count == 1 else "lines"
    return DiffLine("gap", None, None, f"{count} unchanged {noun}")
