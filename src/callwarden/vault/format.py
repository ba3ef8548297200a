"""The sealed-recording file format: header, chunk layout, nonces, associated data, keys.

A recording is sealed as `header || chunk_0 || ... || chunk_{n-1}`, each chunk being a fixed-size
slice of plaintext encrypted with AES-256-GCM (ciphertext followed by its 16-byte tag). Fixed-size
chunks are what let intake stream (constant memory) and playback seek (decrypt only the chunks
under an HTTP Range). Every chunk's nonce carries its index and a last-chunk flag, and its
associated data carries the whole header plus the same index and flag, so a chunk only opens at
its own position, in its own object, and the object only ends where the writer ended it. The
byte-level specification, with the reason behind each choice, is `docs/vault-format.md`.
This module is the specification in code; `sealing` writes objects and `reading` opens them.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from callwarden.kit.errors import InvalidInput
from callwarden.vault.errors import MalformedObject

MAGIC: Final = b"CWVAULT"
FORMAT_VERSION: Final = 1
SUITE_HKDF_SHA256_AES_256_GCM: Final = 1
DATA_KEY_SIZE: Final = 32
TAG_SIZE: Final = 16
SALT_SIZE: Final = 16
KEY_CHECK_SIZE: Final = 16
# 256 KiB: a one-minute call is four chunks (each one AES call and one hash update that
# hand the interpreter lock back and forth), while a seek still decrypts well under a millisecond.
DEFAULT_CHUNK_SIZE: Final = 256 * 1024
MIN_CHUNK_SIZE: Final = 16
MAX_CHUNK_SIZE: Final = 16 * 1024 * 1024
MAX_RECORDING_ID_BYTES: Final = 255

# magic, version, suite, flags, chunk_size, salt, key_check, recording-id length
_FIXED: Final = struct.Struct(">7sBBBI16s16sB")
HEADER_FIXED_SIZE: Final = _FIXED.size
MAX_HEADER_SIZE: Final = HEADER_FIXED_SIZE + MAX_RECORDING_ID_BYTES
_NONCE: Final = struct.Struct(">Q3xB")  # chunk index, 3 zero bytes, last flag = 12 bytes
_POSITION: Final = struct.Struct(">QB")  # chunk index, last flag (appended to the header in AAD)
_KDF_INFO: Final = b"callwarden-vault/v1/chunk-key"


def new_data_key() -> bytes:
    """A fresh random 256-bit data key; one per recording, so destroying it shreds only that one."""
    return os.urandom(DATA_KEY_SIZE)


@dataclass(frozen=True, slots=True)
class Header:
    """A parsed header; `raw` is kept verbatim because every chunk authenticates those bytes."""

    chunk_size: int
    salt: bytes
    key_check: bytes
    recording_id: str
    raw: bytes


def _encode_recording_id(recording_id: str) -> bytes:
    encoded = recording_id.encode("utf-8")
    if not 1 <= len(encoded) <= MAX_RECORDING_ID_BYTES:
        raise InvalidInput(f"recording id must be 1..{MAX_RECORDING_ID_BYTES} bytes of UTF-8")
    return encoded


def encode_header(chunk_size: int, salt: bytes, key_check: bytes, recording_id: str) -> Header:
    """Build the header bytes for a new object."""
    encoded_id = _encode_recording_id(recording_id)
    suite, flags = SUITE_HKDF_SHA256_AES_256_GCM, 0
    fields = (MAGIC, FORMAT_VERSION, suite, flags, chunk_size, salt, key_check, len(encoded_id))
    return Header(chunk_size, salt, key_check, recording_id, _FIXED.pack(*fields) + encoded_id)


def parse_header(prefix: bytes) -> Header:
    """Read a header from the first bytes of an object; refuse anything we did not write."""
    if len(prefix) < HEADER_FIXED_SIZE:
        raise MalformedObject("object is shorter than a vault header")
    magic, version, suite, flags, chunk_size, salt, key_check, id_len = _FIXED.unpack_from(prefix)
    if magic != MAGIC:
        raise MalformedObject("not a callwarden vault object (bad magic)")
    if version != FORMAT_VERSION or suite != SUITE_HKDF_SHA256_AES_256_GCM or flags != 0:
        raise MalformedObject(
            f"unsupported vault format (version {version}, suite {suite}, flags {flags})"
        )
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE or id_len == 0:
        raise MalformedObject(f"vault header out of bounds (chunk size {chunk_size})")
    end = HEADER_FIXED_SIZE + id_len
    if len(prefix) < end:
        raise MalformedObject("object is shorter than its header")
    try:
        recording_id = prefix[HEADER_FIXED_SIZE:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedObject("vault header recording id is not UTF-8") from exc
    return Header(chunk_size, salt, key_check, recording_id, bytes(prefix[:end]))


def derive_chunk_key(data_key: bytes, salt: bytes, recording_id: str) -> tuple[AESGCM, bytes]:
    """Per-object AEAD key plus a key-check value, from the data key, salt and recording id.

    The random salt makes nonce reuse impossible even if a data key were ever used twice; the
    key check lets a reader say "wrong key" instead of blaming chunk 0.
    """
    if len(data_key) != DATA_KEY_SIZE:
        raise InvalidInput(f"data key must be {DATA_KEY_SIZE} bytes")
    encoded_id = _encode_recording_id(recording_id)
    info = _KDF_INFO + bytes([len(encoded_id)]) + encoded_id
    okm = HKDF(hashes.SHA256(), 32 + KEY_CHECK_SIZE, salt, info).derive(data_key)
    return AESGCM(okm[:32]), okm[32:]


def chunk_nonce(index: int, last: bool) -> bytes:
    """12-byte GCM nonce: unique per (index, last) within one object's key."""
    return _NONCE.pack(index, 1 if last else 0)


def chunk_aad(header: Header, index: int, last: bool) -> bytes:
    """Associated data: the whole header, then the chunk's position and last flag."""
    return header.raw + _POSITION.pack(index, 1 if last else 0)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each chunk lives; derived from the stored size, never trusted from the header alone."""

    header_size: int
    chunk_size: int
    chunk_count: int
    plaintext_size: int
    ciphertext_size: int

    @property
    def stride(self) -> int:
        """Stored bytes per full chunk (plaintext plus tag)."""
        return self.chunk_size + TAG_SIZE

    def chunk_offset(self, index: int) -> int:
        return self.header_size + index * self.stride

    def chunk_stored_size(self, index: int) -> int:
        last = index == self.chunk_count - 1
        return self.plaintext_size - index * self.chunk_size + TAG_SIZE if last else self.stride

    @classmethod
    def for_plaintext(cls, header_size: int, chunk_size: int, plaintext_size: int) -> Layout:
        """Layout of an object sealing `plaintext_size` bytes (an empty one still has one chunk)."""
        count = max(1, -(-plaintext_size // chunk_size))
        stored = header_size + plaintext_size + count * TAG_SIZE
        return cls(header_size, chunk_size, count, plaintext_size, stored)

    @classmethod
    def from_ciphertext_size(cls, header_size: int, chunk_size: int, size: int) -> Layout:
        """Infer the layout from the object's size; refuse sizes no writer could produce."""
        body = size - header_size
        stride = chunk_size + TAG_SIZE
        full, rest = divmod(body, stride)
        if body < TAG_SIZE or 0 < rest < TAG_SIZE:
            raise MalformedObject(f"object size {size} does not fit the vault chunk layout")
        count = full + (1 if rest else 0)
        plaintext = full * chunk_size + (rest - TAG_SIZE if rest else 0)
        return cls(header_size, chunk_size, count, plaintext, size)


def sealed_size(
    plaintext_size: int, recording_id: str, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> int:
    """Stored size of a recording before writing it (e.g. to pick single-part vs multipart)."""
    header_size = HEADER_FIXED_SIZE + len(_encode_recording_id(recording_id))
    return Layout.for_plaintext(header_size, chunk_size, plaintext_size).ciphertext_size
