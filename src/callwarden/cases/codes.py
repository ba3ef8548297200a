"""An anonymous reporter's follow-up code: what stands in for an identity they do not give.

A code is 28 symbols of a 32-symbol alphabet (140 random bits from `secrets`), shown once at
filing in groups of four (`K7QM-2XFA-…`) so it can be written down or read over the phone.
Only its sha256 is stored: a copy of the database does not hold a way into any case. Guessing
one is hopeless (2^140), and the follow-up route is throttled anyway — per client address and
over all addresses — so a guesser learns nothing quickly and is told when to try again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from callwarden.kit.errors import InvalidInput, TooManyRequests
from callwarden.kit.throttle import Throttle

# Crockford's base32: no I, L, O or U, so what is read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = 28
GROUP = 4
# What people write for the letters left out, read as the symbol they look like.
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
# The follow-up route: wrong codes per address and over all addresses in a window.
WINDOW = timedelta(minutes=15)
WRONG_PER_ADDRESS = 10
WRONG_OVERALL = 200
MAX_CODE_TEXT = 64  # the longest a code can be typed, spaces and dashes included


class MalformedCode(InvalidInput):
    """Not a follow-up code at all: counted as a wrong code, like one that opens no case."""

    code, title = "malformed_code", "Not a follow-up code"


def new_code() -> str:
    """A fresh follow-up code, grouped for reading: e.g. `K7QM-2XFA-…` (seven groups)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return "-".join(symbols[i : i + GROUP] for i in range(0, SYMBOLS, GROUP))


def normalised(code: str) -> str:
    """The code's symbols alone, upper case, look-alike letters read as digits; or refused."""
    symbols = "".join(ch for ch in code.upper() if ch not in " -\t").translate(_LOOKALIKES)
    if len(symbols) != SYMBOLS or any(ch not in ALPHABET for ch in symbols):
        raise MalformedCode(
            f"a follow-up code is {SYMBOLS} letters and digits in groups of {GROUP}, "
            "as it was shown when the case was filed"
        )
    return symbols


def code_hash(code: str) -> str:
    """What is stored of a code: the sha256 of its normalised symbols, in hex."""
    return hashlib.sha256(normalised(code).encode("ascii")).hexdigest()


class CodeThrottle(Throttle):
    """Counts wrong follow-up codes per client address and overall; refuses when over."""

    def __init__(
        self,
        window: timedelta = WINDOW,
        per_address: int = WRONG_PER_ADDRESS,
        overall: int = WRONG_OVERALL,
    ) -> None:
        super().__init__(window, {"address": per_address, "overall": overall})

    @staticmethod
    def _keys(address: str) -> dict[str, str]:
        return {"address": address, "overall": "*"}

    def check(self, address: str) -> None:
        """TooManyRequests (429, Retry-After) before any code is looked up, when over."""
        wait = self.wait_for(self._keys(address))
        if wait is not None:
            raise TooManyRequests(
                f"too many wrong follow-up codes; try again in {wait} seconds",
                retry_after_s=wait,
            )

    def wrong(self, address: str) -> None:
        self.count(self._keys(address))
