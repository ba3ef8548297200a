"""A Range header no recording can satisfy is answered, never a crash."""

from __future__ import annotations

import pytest

from callwarden.kit.errors import CallwardenError
from callwarden.recordings.playback import parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=" + "9" * 5000 + "-", "unsatisfiable"),
        ("bytes=0-" + "9" * 5000, (0, 1000)),
        ("bytes=-" + "9" * 5000, (0, 1000)),
    ],
    ids=["start", "end", "suffix"],
)
def test_a_range_with_thousands_of_digits_is_answered_as_http_says(
    header: str, expected: object
) -> None:
    """RFC 9110 14.1.2: a first position past the end is unsatisfiable (416); a last position
    past the end means the end, and a suffix longer than the representation means all of it."""
    if expected == "unsatisfiable":
        with pytest.raises(CallwardenError) as refused:
            parse_range(header, 1000)
        assert refused.value.status == 416
        return
    selected = parse_range(header, 1000)
    assert selected is not None and (selected.start, selected.end) == expected
