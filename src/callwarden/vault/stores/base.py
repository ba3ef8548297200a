"""The blob-store contract every backend meets, and the key rules that keep keys safe.

Stores see only sealed bytes; they are dumb on purpose. What they must get right is durability
(an acknowledged `put` survives a crash), atomicity (a reader never sees half an object) and
safe naming (a key can never escape the store's root).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Final, NamedTuple, Protocol

from callwarden.kit.errors import InvalidInput

MAX_KEY_LENGTH: Final = 512
_SEGMENT: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class StoredObject(NamedTuple):
    """One object as listed: enough for the orphan sweeper to decide."""

    key: str
    modified_at: datetime


def validate_key(key: str) -> str:
    """Refuse keys that could escape the root or confuse a backend.

    Allowed: segments of `[A-Za-z0-9._-]` joined by single `/`, no segment starting with a dot
    (so no `.`, `..` or hidden names, which the filesystem store uses for temp files), no leading
    or trailing slash, at most 512 characters.
    """
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"blob key must be 1..{MAX_KEY_LENGTH} characters")
    if not all(_SEGMENT.fullmatch(segment) for segment in key.split("/")):
        raise InvalidInput(
            f"blob key {key!r} is not allowed: use [A-Za-z0-9._-] segments separated by '/', "
            "none empty or starting with '.'"
        )
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix: empty, or a key (possibly ending in '/') under the same rules."""
    if prefix:
        validate_key(prefix.removesuffix("/"))
    return prefix


class BlobStore(Protocol):
    """Where sealed recordings live. Keys are validated by every implementation."""

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        """Store a new object from a stream of pieces; durable and whole once it returns.

        Refuses (Conflict) to replace an existing object: recordings are write-once. If the
        stream fails, nothing is left under `key`.
        """
        ...

    def open_range(self, key: str, offset: int, length: int) -> bytes:
        """Bytes [offset, offset+length), clipped at the end of the object."""
        ...

    def size(self, key: str) -> int:
        """Stored size in bytes; NotFound if absent."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove an object; deleting a missing object is not an error."""
        ...

    def abort_stale_uploads(self, older_than: timedelta) -> int:
        """Clean up writes a crashed process left unfinished; returns how many."""
        ...

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix`, with its modification time (UTC)."""
        ...
