"""Time spans, and turning per-frame yes/no decisions into them.

Every detector here ends with a boolean per analysis frame ("speech here", "tone here"); the
findings a person reads are spans in seconds. Keeping that conversion in one place keeps the
rounding the same everywhere, so a span reported by one detector lines up with another's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, order=True)
class Span:
    """A half-open interval of the recording, in seconds from its start."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def as_dict(self) -> dict[str, float]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


def runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges [start, stop) where `mask` is true, in order."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def merge(spans: Iterable[Span], max_gap_s: float = 0.0) -> list[Span]:
    """Sort spans and join those that overlap or are separated by at most `max_gap_s`."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start_s - merged[-1].end_s <= max_gap_s:
            last = merged[-1]
            merged[-1] = Span(last.start_s, max(last.end_s, span.end_s))
        else:
            merged.append(span)
    return merged


def complement(spans: Sequence[Span], start_s: float, end_s: float) -> list[Span]:
    """The parts of [start_s, end_s) that no span covers (spans must be merged and sorted)."""
    gaps: list[Span] = []
    cursor = start_s
    for span in spans:
        if span.start_s > cursor:
            gaps.append(Span(cursor, min(span.start_s, end_s)))
        cursor = max(cursor, span.end_s)
    if cursor < end_s:
        gaps.append(Span(cursor, end_s))
    return [gap for gap in gaps if gap.duration_s > 0]


def intersect(first: Sequence[Span], second: Sequence[Span]) -> list[Span]:
    """Parts covered by both lists (each merged and sorted)."""
    out: list[Span] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i].start_s, second[j].start_s)
        end = min(first[i].end_s, second[j].end_s)
        if end > start:
            out.append(Span(start, end))
        if first[i].end_s < second[j].end_s:
            i += 1
        else:
            j += 1
    return out
