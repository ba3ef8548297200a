"""A destruction certificate's text, pure: its fields, its layout, what the signature covers.

The certificate says what a sweep destroyed, in a form an auditor can check years later with the
file and the public key alone. Its design follows from one question: when a copy has been
edited, can the verifier say *where*? A signature over the whole text can only say "something
changed". So the signature covers a list of digests instead, one per header field and one per
recording entry, each the SHA-256 of that part's canonical JSON. A verifier that finds the
signature good recomputes the digests and names the first field or entry that no longer matches;
one that finds it bad looks for the listed digest that no longer matches its part.

The text itself has exactly one layout (`render`): the header fields, then one recording per
line, then the digests, one per line, then the signature. A verifier re-renders what it parsed
and compares byte for byte, so an edit that changes no value (white space, a `\\u0041` escape
for "A") is found too, at its line and column. One entry per line also keeps a certificate of
100,000 recordings readable with `grep` and writable as a stream.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from callwarden.signing import canonical_json

FORMAT = "callwarden-destruction-certificate"
VERSION = 1
DOMAIN = b"callwarden-destruction-certificate-v1\n"
# A certificate over this many bytes is refused unread, by the verifier and by the issuer: about
# 350,000 recordings, more than one sweep disposes of (the sweep runs in batches).
MAX_BYTES = 256 * 1024 * 1024

# The header: (section, field) in the order they are written; each gets its own digest.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("installation", "key_id"),
    ("sweep", "id"),
    ("sweep", "kind"),
    ("sweep", "reference"),
    ("sweep", "as_of"),
    ("sweep", "started_by"),
    ("sweep", "started_at"),
    ("sweep", "finished_at"),
    ("issued", "at"),
    ("issued", "count"),
    ("issued", "original_bytes"),
)
SECTIONS = ("installation", "sweep", "issued")
# One recording disposed of, in the order its fields are written (sorted, as JSON sorts them).
ENTRY_FIELDS: tuple[str, ...] = (
    "audit_hash",
    "audit_seq",
    "call_id",
    "dispose_by",
    "disposal_due",
    "disposed_at",
    "original_sha256",
    "original_size",
    "recording_id",
    "retain_until",
    "rule",
    "started_at",
    "stored_sha256",
    "stored_size",
)
# Fields that hold a count or a size (integers), and those that may be null.
INTEGER_FIELDS = frozenset(
    {"audit_seq", "original_size", "stored_size", "issued.count", "issued.original_bytes"}
)
NULLABLE_FIELDS = frozenset(
    {
        "audit_hash",
        "audit_seq",
        "dispose_by",
        "disposal_due",
        "retain_until",
        "sweep.reference",
        "sweep.finished_at",
    }
)
TOP_LEVEL = (*SECTIONS, "format", "version", "recordings", "digests", "signature")
SIGNATURE_FIELDS = ("algorithm", "key_id", "value")


def moment(value: datetime | None) -> str | None:
    """A time as the certificate writes it: UTC, microseconds, `Z` (as audit checkpoints do)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(value: Any) -> str:
    """The digest of one header field's value or one recording entry."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def header_digests(header: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """`{"sweep.as_of": sha256, ...}`: one digest per header field, named by its path."""
    return {
        f"{section}.{field}": digest({f"{section}.{field}": header[section][field]})
        for section, field in HEADER_FIELDS
    }


def header_digests_names() -> list[str]:
    return [f"{section}.{field}" for section, field in HEADER_FIELDS]


def signed_message(digests: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers (after `DOMAIN`): the digests, canonical JSON. The format
    and version are in the domain; everything else is reached through a digest."""
    return canonical_json(dict(digests))


def _line(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


def render(
    header: Mapping[str, Mapping[str, Any]],
    entries: Iterable[Mapping[str, Any]],
    entry_digests: list[str],
    digests_header: Mapping[str, str],
    signature: Mapping[str, str],
) -> Iterator[str]:
    """The certificate's text, in pieces (join them, or write them to a file as they come).

    `entry_digests` must list the digest of each entry, in the same order; the issuer computes
    them while it reads the entries, the verifier has them from the file it re-renders.
    """
    yield "{\n"
    yield f'  "format": {_line(FORMAT)},\n  "version": {VERSION},\n'
    for section in SECTIONS:
        yield f'  "{section}": {_line(dict(header[section]))},\n'
    yield '  "recordings": ['
    first = True
    for entry in entries:
        yield ("\n    " if first else ",\n    ") + _line(dict(entry))
        first = False
    yield "\n  ],\n" if not first else "],\n"
    yield f'  "digests": {{\n    "header": {_line(dict(digests_header))},\n    "recordings": ['
    yield ",".join(f"\n      {_line(value)}" for value in entry_digests)
    yield "\n    ]\n  },\n" if entry_digests else "]\n  },\n"
    yield f'  "signature": {_line(dict(signature))}\n}}\n'
