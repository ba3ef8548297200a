"""Identifiers: sortable, URL-safe, prefixed by kind so a stray id says what it is."""

from __future__ import annotations

import os
import time


def new_id(prefix: str) -> str:
    """A ULID-like id in hex: 48-bit millisecond time then 80 random bits (`dec_0191f3…`).

    Hex keeps it cheap to make (decisions are made tens of thousands of times a second) and
    ids of the same kind sort by creation time.
    """
    return f"{prefix}_{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"
