"""Sealing recordings: stream plaintext in, sealed chunks out, SHA-256 of the original alongside.

One pass over the audio does everything intake needs: hash the original bytes (the evidence
hash stored on the row), encrypt fixed-size chunks, count sizes. Memory stays at two chunk
buffers however long the call, and file sources are read straight into those buffers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from callwarden.kit.errors import InvalidInput, PayloadTooLarge
from callwarden.vault.format import (
    DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
    SALT_SIZE,
    chunk_aad,
    chunk_nonce,
    derive_chunk_key,
    encode_header,
)

BytesLike = bytes | bytearray | memoryview
PlaintextSource = BinaryIO | Iterable[BytesLike]


class SupportsWrite(Protocol):
    """Anything with `write(bytes)`: an open file, a socket file, a BytesIO."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True, slots=True)
class EncryptResult:
    """What intake records about a sealed recording: the hash is of the original bytes."""

    plaintext_sha256: str
    plaintext_size: int
    ciphertext_size: int
    chunk_count: int


def _filler(source: PlaintextSource) -> Callable[[memoryview], int]:
    """A function that fills a buffer from the source, returning how many bytes it got.

    File objects are read straight into our buffer (no intermediate copy); iterables of pieces
    of any size are re-cut to the chunk size with one copy.
    """
    readinto = getattr(source, "readinto", None)
    if readinto is not None:

        def fill_from_file(buffer: memoryview) -> int:
            got = 0
            while got < len(buffer):
                count = readinto(buffer[got:])
                if not count:
                    break
                got += count
            return got

        return fill_from_file

    pieces = iter(source)
    leftover = memoryview(b"")

    def fill_from_pieces(buffer: memoryview) -> int:
        nonlocal leftover
        got = 0
        while got < len(buffer):
            if not leftover:
                piece = next(pieces, None)
                if piece is None:
                    break
                leftover = memoryview(piece).cast("B")
                continue
            take = min(len(leftover), len(buffer) - got)
            buffer[got : got + take] = leftover[:take]
            leftover = leftover[take:]
            got += take
        return got

    return fill_from_pieces


class Sealer:
    """Seals one recording: `seal(source)` yields the object's bytes; `result` is set at the end.

    A generator rather than a writer so that a blob store's `put` can consume it directly
    (streamed to disk or to S3 multipart) while the SHA-256 of the original is computed in the
    same pass.
    """

    def __init__(
        self,
        data_key: bytes,
        recording_id: str,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        *,
        max_plaintext_size: int | None = None,
    ) -> None:
        """Prepare to seal one recording under `data_key`.

        `max_plaintext_size` makes `seal` raise PayloadTooLarge mid-stream, so the store abandons
        the object: an oversized upload leaves nothing behind.
        """
        if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise InvalidInput(f"chunk size must be {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE} bytes")
        salt = os.urandom(SALT_SIZE)
        self._aead, key_check = derive_chunk_key(data_key, salt, recording_id)
        self.header = encode_header(chunk_size, salt, key_check, recording_id)
        self.result: EncryptResult | None = None
        self._limit = max_plaintext_size
        self._started = False

    def seal(self, source: PlaintextSource) -> Iterator[bytes]:
        """Yield header then sealed chunks; each yielded object is a fresh, immutable bytes."""
        if self._started:
            raise RuntimeError("a Sealer seals exactly one recording")
        self._started = True
        fill = _filler(source)
        size = self.header.chunk_size
        current, following = memoryview(bytearray(size)), memoryview(bytearray(size))
        hasher = hashlib.sha256()
        yield self.header.raw
        stored, plaintext, index = len(self.header.raw), 0, 0
        filled = fill(current)
        while True:
            # Read one chunk ahead: a chunk is sealed as "last" only once the source is drained.
            ahead = fill(following) if filled == size else 0
            last = ahead == 0
            if self._limit is not None and plaintext + filled + ahead > self._limit:
                raise PayloadTooLarge(f"recording exceeds the {self._limit}-byte limit")
            piece = current[:filled]
            hasher.update(piece)
            sealed = self._aead.encrypt(
                chunk_nonce(index, last), piece, chunk_aad(self.header, index, last)
            )
            yield sealed
            stored += len(sealed)
            plaintext += filled
            if last:
                break
            current, following, filled, index = following, current, ahead, index + 1
        self.result = EncryptResult(hasher.hexdigest(), plaintext, stored, index + 1)


def encrypt_stream(
    source: PlaintextSource,
    sink: SupportsWrite,
    data_key: bytes,
    recording_id: str,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EncryptResult:
    """Seal `source` into `sink` in one streaming pass; returns the hash and sizes for the row."""
    sealer = Sealer(data_key, recording_id, chunk_size)
    for block in sealer.seal(source):
        sink.write(block)
    assert sealer.result is not None
    return sealer.result
