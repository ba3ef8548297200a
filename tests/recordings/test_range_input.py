"""A Range header no recording can satisfy is answered, never a crash."""

from __future__ import annotations

import pytest

from callwarden.kit.errors import CallwardenError
from callwarden.recordings.playback import parse_range


@pytest.mark.parametrize(
    "header",
    ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000],
    ids=["start", "end", "suffix"],
)
def test_a_range_with_thousands_of_digits_is_refused_or_ignored(header: str) -> None:
    """RFC 9110 14.1.2: a last position past the end means the end, and a suffix longer than
    the representation means all of it; a first position past the end is unsatisfiable."""
    try:
        selected = parse_range(header, 1000)
    except CallwardenError as refusal:
        assert refusal.status == 416
        assert header.startswith("bytes=9")
        return
    assert selected is None or (selected.start, selected.end) == (0, 1000)
