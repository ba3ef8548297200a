"""HTTP Range requests over sealed recordings: parse, check, and stream only what was asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from callwarden.kit.errors import InvalidInput
from callwarden.models import Recording
from callwarden.vault.errors import RangeNotSatisfiable
from callwarden.vault.reading import open_sealed
from callwarden.vault.runtime import Vault
from callwarden.vault.wrapping import WrappedKey

# At most 19 digits: a position past 2**63 is no byte of any recording (and int() of 5,000
# digits raises instead of answering).
_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start

    def header(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """None for the whole file; a satisfiable range; or RangeNotSatisfiable (416)."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        raise InvalidInput("only a single byte range is supported, e.g. Range: bytes=0-1023")
    first, last = match.groups()
    if not first and not last:
        raise InvalidInput("empty byte range")
    if not first:
        suffix = int(last)
        if suffix == 0:
            raise RangeNotSatisfiable(f"range {header} selects nothing", size=size)
        return ByteRange(max(0, size - suffix), size)
    start = int(first)
    end = min(size, int(last) + 1) if last else size
    if start >= size or end <= start:
        raise RangeNotSatisfiable(
            f"range {header} is outside the recording's {size} bytes", size=size
        )
    return ByteRange(start, end)


def stream(
    vault: Vault, recording: Recording, wrapped: str, selected: ByteRange | None
) -> Iterator[bytes]:
    """Decrypted bytes of the recording (or the range); integrity is checked before any is sent."""
    data_key = vault.unwrap(WrappedKey.decode(wrapped))
    read_at = partial(vault.store.open_range, recording.object_key)
    sealed = open_sealed(read_at, recording.ciphertext_size, data_key, recording.id)
    span = selected or ByteRange(0, sealed.plaintext_size)
    return sealed.read_range(span.start, span.end)
