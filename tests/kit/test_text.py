"""The name validator refuses NUL, control, bidirectional-override and padding characters, and
keeps ordinary names in any script."""

from __future__ import annotations

import pytest

from callwarden.kit.errors import InvalidInput
from callwarden.kit.text import checked_name

HOSTILE = [
    "East\x00",
    "Ea\x00st",
    "East\nWest",
    "East\x1b[31m",
    "\u202eTSAE",  # right-to-left override
    "East\u2066x\u2069",  # isolates
    "East\u202a",
    "East\u2028",
    " East",
    "East ",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_validator_refuses_hostile_names(name: str) -> None:
    with pytest.raises(InvalidInput, match="team name"):
        checked_name(name, "team name", 120)


@pytest.mark.parametrize("name", ["Support East", "Équipe Süd", "客服 一组", "שירות", "a-b_c.d"])
def test_the_validator_keeps_ordinary_names(name: str) -> None:
    assert checked_name(name, "team name", 120) == name
