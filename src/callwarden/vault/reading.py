"""Opening sealed recordings: random-access range decryption and full integrity checks.

Reads go through a `read_at(offset, length) -> bytes` function so the same code serves a local
file (pread), an S3 ranged GET, or bytes in memory. Opening is eager (header, key check and the
final chunk are authenticated before anything is returned), streaming is lazy: so a playback
endpoint can refuse a bad object before it sends a status line, then stream only the chunks a
Range covers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag

from callwarden.kit.files import pread_fully
from callwarden.vault.errors import (
    MalformedObject,
    RangeNotSatisfiable,
    TamperedChunk,
    VaultIntegrityError,
    WrongDataKey,
    WrongRecording,
)
from callwarden.vault.format import (
    HEADER_FIXED_SIZE,
    MAX_HEADER_SIZE,
    Layout,
    chunk_aad,
    chunk_nonce,
    derive_chunk_key,
    parse_header,
)

ReadAt = Callable[[int, int], bytes]
READ_BATCH_BYTES: Final = 4 * 1024 * 1024  # one storage read covers this many bytes of chunks


def bytes_reader(data: bytes) -> ReadAt:
    """`read_at` over bytes in memory (tests, small objects)."""
    view = memoryview(data)
    return lambda offset, length: bytes(view[offset : offset + length])


def file_reader(fileobj: BinaryIO) -> ReadAt:
    """`read_at` over an open binary file, using pread so concurrent readers do not share a seek."""
    fd = fileobj.fileno()

    def read_at(offset: int, length: int) -> bytes:
        return pread_fully(fd, offset, length)

    return read_at


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What a full check found: recompute-able facts to compare against the database row."""

    plaintext_sha256: str
    plaintext_size: int
    chunk_count: int


class SealedObject:
    """An opened, authenticated-at-the-edges vault object, ready for range reads."""

    def __init__(
        self,
        read_at: ReadAt,
        ciphertext_size: int,
        data_key: bytes,
        recording_id: str,
        *,
        check_end: bool = True,
    ) -> None:
        self._read_at = read_at
        if ciphertext_size < HEADER_FIXED_SIZE:
            raise MalformedObject(f"object of {ciphertext_size} bytes cannot hold a vault header")
        self.header = parse_header(read_at(0, min(MAX_HEADER_SIZE, ciphertext_size)))
        if self.header.recording_id != recording_id:
            raise WrongRecording(
                f"object belongs to recording {self.header.recording_id!r}, not {recording_id!r}",
                found_recording_id=self.header.recording_id,
            )
        self._aead, key_check = derive_chunk_key(data_key, self.header.salt, recording_id)
        if not hmac.compare_digest(key_check, self.header.key_check):
            raise WrongDataKey(
                f"data key does not match the object of recording {recording_id!r} "
                "(wrong key, or the header was altered)"
            )
        self.layout = Layout.from_ciphertext_size(
            len(self.header.raw), self.header.chunk_size, ciphertext_size
        )
        if check_end:
            # Authenticating the final chunk pins the object's length, so a truncated or
            # extended object is refused even when the caller only wants the first second.
            final = self.layout.chunk_count - 1
            for _ in self._chunks(final, final + 1):
                pass

    @property
    def plaintext_size(self) -> int:
        return self.layout.plaintext_size

    def _open_chunk(self, index: int, sealed: memoryview) -> bytes:
        last = index == self.layout.chunk_count - 1
        try:
            return self._aead.decrypt(
                chunk_nonce(index, last), sealed, chunk_aad(self.header, index, last)
            )
        except InvalidTag:
            raise self._diagnose(index, sealed, last) from None

    def _diagnose(self, index: int, sealed: memoryview, last: bool) -> TamperedChunk:
        """Name the likely tampering: a chunk that opens with the other last flag says how."""
        try:
            self._aead.decrypt(
                chunk_nonce(index, not last), sealed, chunk_aad(self.header, index, not last)
            )
            how = "the object was truncated" if last else "data was appended after the end"
        except InvalidTag:
            how = "altered, reordered, or taken from another object"
        recording_id = self.header.recording_id
        return TamperedChunk(
            f"chunk {index} of recording {recording_id!r} failed authentication: {how}",
            chunk_index=index,
            recording_id=recording_id,
        )

    def _chunks(self, first: int, stop: int) -> Iterator[bytes]:
        """Decrypt chunks [first, stop), fetching several per storage read."""
        layout = self.layout
        per_batch = max(1, READ_BATCH_BYTES // layout.stride)
        for batch_start in range(first, stop, per_batch):
            batch_stop = min(stop, batch_start + per_batch)
            offset = layout.chunk_offset(batch_start)
            length = layout.chunk_offset(batch_stop - 1) + layout.chunk_stored_size(batch_stop - 1)
            length -= offset
            data = self._read_at(offset, length)
            if len(data) != length:
                raise MalformedObject(
                    f"object of recording {self.header.recording_id!r} is shorter than its size"
                )
            view = memoryview(data)
            position = 0
            for index in range(batch_start, batch_stop):
                size = layout.chunk_stored_size(index)
                yield self._open_chunk(index, view[position : position + size])
                position += size

    def read_range(self, start: int, end: int) -> Iterator[bytes]:
        """Plaintext bytes [start, end): only the chunks covering the range are read."""
        if not 0 <= start <= end <= self.plaintext_size:
            raise RangeNotSatisfiable(
                f"range {start}..{end} is outside the recording (size {self.plaintext_size})",
                size=self.plaintext_size,
            )
        return self._slices(start, end)

    def _slices(self, start: int, end: int) -> Iterator[bytes]:
        if start == end:
            return
        chunk_size = self.layout.chunk_size
        first, final = start // chunk_size, (end - 1) // chunk_size
        for index, plain in enumerate(self._chunks(first, final + 1), start=first):
            base = index * chunk_size
            low = max(start - base, 0)
            high = min(end - base, len(plain))
            yield plain if low == 0 and high == len(plain) else plain[low:high]

    def __iter__(self) -> Iterator[bytes]:
        """The whole plaintext, chunk by chunk."""
        return self._chunks(0, self.layout.chunk_count)


def open_sealed(
    read_at: ReadAt,
    ciphertext_size: int,
    data_key: bytes,
    recording_id: str,
    *,
    check_end: bool = True,
) -> SealedObject:
    """Open an object for reading; raises a `VaultIntegrityError` subclass if it is not intact."""
    return SealedObject(read_at, ciphertext_size, data_key, recording_id, check_end=check_end)


def decrypt_range(
    read_at: ReadAt,
    ciphertext_size: int,
    data_key: bytes,
    recording_id: str,
    start: int,
    end: int,
) -> Iterator[bytes]:
    """Plaintext [start, end) of a recording (end exclusive), for HTTP Range playback."""
    return open_sealed(read_at, ciphertext_size, data_key, recording_id).read_range(start, end)


def verify(
    read_at: ReadAt,
    ciphertext_size: int,
    data_key: bytes,
    recording_id: str,
    *,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
) -> VerifyResult:
    """Decrypt every chunk and re-hash; compare with the row's sha256 and size when given."""
    sealed = open_sealed(read_at, ciphertext_size, data_key, recording_id, check_end=False)
    hasher = hashlib.sha256()
    for plain in sealed:
        hasher.update(plain)
    result = VerifyResult(hasher.hexdigest(), sealed.plaintext_size, sealed.layout.chunk_count)
    if expected_size is not None and expected_size != result.plaintext_size:
        raise VaultIntegrityError(
            f"recording {recording_id!r} holds {result.plaintext_size} bytes, "
            f"expected {expected_size}",
            recording_id=recording_id,
        )
    if expected_sha256 is not None and expected_sha256.lower() != result.plaintext_sha256:
        raise VaultIntegrityError(
            f"recording {recording_id!r} sha256 {result.plaintext_sha256} does not match "
            f"the recorded {expected_sha256}",
            recording_id=recording_id,
        )
    return result
