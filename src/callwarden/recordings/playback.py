"""HTTP Range requests over sealed recordings: parse, check, and stream only what was asked.

Range handling follows RFC 9110 §14: a server may ignore a Range header, so one this server
cannot or will not serve (another unit, bad syntax, several ranges) is ignored and the whole
recording is sent (200). Only a well-formed single range that selects nothing answers 416.

Integrity before the status line: opening checks the header, the object's identity and key and
authenticates its final chunk; then a requested span of up to `verify_whole_bytes` is decrypted
and authenticated whole before anything is sent, so a small recording (or a seek's short range)
is either sent complete and intact or refused. A longer span has its first chunk authenticated
before the answer and each later chunk before its bytes leave; a failure there ends the stream
early (the client sees fewer bytes than Content-Length promised, never unauthenticated ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Final

from callwarden.kit.errors import NotFound
from callwarden.models import Recording
from callwarden.vault.errors import MissingObject, RangeNotSatisfiable
from callwarden.vault.reading import ReadAt, open_sealed
from callwarden.vault.runtime import Vault
from callwarden.vault.wrapping import WrappedKey

_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.IGNORECASE)
# More digits than any stored size can have: such a position is past every recording's end.
_MAX_DIGITS: Final = 19
_BEYOND_ANY_SIZE: Final = 10**_MAX_DIGITS


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start

    def header(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


def _position(digits: str) -> int:
    """A byte position; never parses thousands of digits (a huge number is simply 'too far')."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= _MAX_DIGITS else _BEYOND_ANY_SIZE


def _before(last: str, first: str) -> bool:
    """Whether position `last` < `first`, compared as digit strings of any length."""
    low, high = last.lstrip("0") or "0", first.lstrip("0") or "0"
    return (len(low), low) < (len(high), high)


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """None for the whole file (no Range, or one to ignore); a satisfiable range; or 416."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None  # another unit, several ranges, or not a range at all: ignored
    first, last = match.groups()
    if not first and not last:
        return None  # "bytes=-" is not a range
    if not first:
        suffix = _position(last)
        if suffix == 0:
            raise RangeNotSatisfiable(f"range {header} selects nothing", size=size)
        return ByteRange(max(0, size - suffix), size)
    start = _position(first)
    if last and _before(last, first):
        return None  # last before first: an invalid range, ignored
    if start >= size:
        raise RangeNotSatisfiable(
            f"range starting at byte {first[:40]} is outside the recording's {size} bytes",
            size=size,
        )
    end = min(size, _position(last) + 1) if last else size
    return ByteRange(start, end)


def _reader(vault: Vault, key: str) -> ReadAt:
    """Reads of the recording's object; a missing object is damage, not 'no such recording'."""
    read = partial(vault.store.open_range, key)

    def read_at(offset: int, length: int) -> bytes:
        try:
            return read(offset, length)
        except NotFound:
            raise MissingObject(f"the vault holds no object {key!r} for this recording") from None

    return read_at


def stream(
    vault: Vault,
    recording: Recording,
    wrapped: str,
    selected: ByteRange | None,
    verify_whole_bytes: int = 0,
) -> Iterator[bytes]:
    """Decrypted bytes of the recording (or the range), checked as the module says.

    Raises a `VaultIntegrityError` (or `KeyUnwrapError`) before returning if what can be checked
    up front fails; the iterator raises one if a later chunk fails.
    """
    data_key = vault.unwrap(WrappedKey.decode(wrapped))
    read_at = _reader(vault, recording.object_key)
    sealed = open_sealed(read_at, recording.ciphertext_size, data_key, recording.id)
    span = selected or ByteRange(0, sealed.plaintext_size)
    pieces = sealed.read_range(span.start, span.end)
    if span.length <= verify_whole_bytes:
        return iter(list(pieces))
    first = next(pieces, None)
    return pieces if first is None else chain([first], pieces)
