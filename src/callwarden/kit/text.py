"""Checks for names people give things (teams, users, tokens, service identities).

A name is shown in tables, audit events and exports. Control characters can hide or rewrite
what a reader sees there (NUL truncates in C tools, a line break forges a log line), and the
bidirectional override and isolate characters (U+202A-U+202E, U+2066-U+2069) make a name read
differently from what it is ("Trojan Source"). Such names are refused, not cleaned, so that what
is stored is what the caller sent.
"""

from __future__ import annotations

import unicodedata

from callwarden.kit.errors import InvalidInput

BIDI_CONTROLS = frozenset(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Cc: C0/C1 controls (NUL, tab, line breaks); Cs: lone surrogates (not encodable text);
# Zl/Zp: the Unicode line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def refused_character(value: str) -> str | None:
    """The first character a name may not contain, or None."""
    for char in value:
        if char in BIDI_CONTROLS or unicodedata.category(char) in _REFUSED_CATEGORIES:
            return char
    return None


def checked_name(value: str, what: str, max_length: int) -> str:
    """`value` unchanged if it is a fit name, else InvalidInput saying what is wrong with it.

    `what` names the field in the message ("team name"), so every caller words it the same way.
    """
    if not value:
        raise InvalidInput(f"{what} must not be empty")
    if len(value) > max_length:
        raise InvalidInput(f"{what} must be at most {max_length} characters")
    bad = refused_character(value)
    if bad is not None:
        raise InvalidInput(
            f"{what} must not contain control or bidirectional-override characters "
            f"(found U+{ord(bad):04X})"
        )
    if value != value.strip():
        raise InvalidInput(f"{what} must not start or end with whitespace")
    return value
