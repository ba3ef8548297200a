"""Verifying a destruction certificate offline, pure: the text and the public key, nothing else.

A certificate that fails says where, as far as that can honestly be known (the layout and why
it allows this: `certificate_format`):

- not UTF-8, not JSON, a key twice in one object: the line and column (or line) of the fault;
- a field missing, extra or of the wrong type: its path (`recordings[17].stored_size`);
- signed by another key: both key ids;
- a bad signature: the listed digest that no longer matches its part, when one does not; when
  every part matches its listed digest, the signature or the digests were changed together
  with what they cover, which a signature alone cannot tell apart, and the verdict says so;
- a good signature over digests that a part no longer matches: that header field, or that
  recording entry (by position and the recording id it now shows);
- every value as signed but the text not in its one layout: the line and column where it
  departs (white space, an escape written another way).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from callwarden.kit.errors import InvalidInput
from callwarden.retention import certificate_format as layout
from callwarden.signing import key_id, statement_signed


class CertificateRejected(InvalidInput):
    """The certificate does not verify; `where` names the place (a line, a field, an entry)."""

    code, title = "certificate_rejected", "Certificate does not verify"

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}", where=where)
        self.where = where


@dataclass(frozen=True, slots=True)
class VerifiedCertificate:
    """What a verified certificate states, as it states it (times as its UTC text)."""

    key_id: str
    sweep: dict[str, Any]
    issued_at: str
    count: int
    original_bytes: int
    recordings: list[dict[str, Any]]


def verify(text: str | bytes, public_key: Ed25519PublicKey) -> VerifiedCertificate:
    """Check a certificate against the public key; raise `CertificateRejected` saying where."""
    refuse_oversized(len(text))
    if isinstance(text, bytes):
        text = _decoded(text)
    document = _parsed(text)
    _check_shape(document)
    header = {section: document[section] for section in layout.SECTIONS}
    entries: list[dict[str, Any]] = document["recordings"]
    digests = document["digests"]
    signature = document["signature"]
    _check_key(signature, header, public_key)
    actual_header = layout.header_digests(header)
    actual_entries = [layout.digest(entry) for entry in entries]
    message = layout.signed_message(digests)
    if not statement_signed(public_key, signature["value"], layout.DOMAIN, message):
        _explain_bad_signature(digests, actual_header, actual_entries, entries)
    _check_parts(digests, actual_header, actual_entries, entries)
    _check_layout(text, header, entries, digests, signature)
    return VerifiedCertificate(
        key_id=header["installation"]["key_id"],
        sweep=dict(header["sweep"]),
        issued_at=header["issued"]["at"],
        count=header["issued"]["count"],
        original_bytes=header["issued"]["original_bytes"],
        recordings=entries,
    )


def refuse_oversized(size: int) -> None:
    """Refuse a certificate over the size limit before reading it (a file's size is enough)."""
    if size > layout.MAX_BYTES:
        raise CertificateRejected(
            "size",
            f"{size:,} bytes is over the limit of {layout.MAX_BYTES:,} bytes for a "
            "certificate; refused unread",
        )


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line} column {column}"


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        raise CertificateRejected(
            _position(before, len(before)), f"not UTF-8 text (byte {exc.start + 1} of the file)"
        ) from None


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Duplicate(key)
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parsed(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CertificateRejected(_position(text, exc.pos), f"not JSON ({exc.msg})") from None
    except _Duplicate as duplicate:
        raise CertificateRejected(
            _duplicate_line(text, duplicate.key),
            f"the key {json.dumps(duplicate.key)} appears twice in one object; a certificate "
            "never repeats a key (a reader could take either value)",
        ) from None
    except (ValueError, RecursionError) as exc:  # NaN, a 5,000-digit number, deep nesting
        raise CertificateRejected("content", f"not a certificate's JSON ({exc})") from None
    if not isinstance(document, dict):
        raise CertificateRejected("line 1 column 1", "not a JSON object")
    return document


def _duplicate_line(text: str, key: str) -> str:
    """The line holding a repeated key: each object is on one line, except the top level."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    seen = 0
    for number, line in enumerate(text.split("\n"), start=1):
        hits = len(pattern.findall(line))
        if hits >= 2 or (hits and seen):
            return f"line {number}"
        seen += hits
    return "content"  # the key was spelled with escapes: the text does not say which line


def _fields(value: Any, path: str, expected: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CertificateRejected(path, "should be a JSON object")
    missing = [name for name in expected if name not in value]
    extra = sorted(set(value) - set(expected))
    if missing or extra:
        said = [f"missing {', '.join(missing)}"] if missing else []
        said += [f"unexpected {', '.join(json.dumps(name) for name in extra)}"] if extra else []
        raise CertificateRejected(path, "; ".join(said))
    return value


def _typed(value: Any, path: str, kind: str) -> None:
    if value is None and kind in layout.NULLABLE_FIELDS:
        return
    if kind in layout.INTEGER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CertificateRejected(path, "should be a whole number, 0 or more")
    elif not isinstance(value, str):
        raise CertificateRejected(path, "should be a string")


def _check_shape(document: dict[str, Any]) -> None:
    _fields(document, "the document", layout.TOP_LEVEL)
    if document["format"] != layout.FORMAT or document["version"] != layout.VERSION:
        raise CertificateRejected(
            "format",
            f"not a {layout.FORMAT} version {layout.VERSION} "
            f"(says {document['format']!r} version {document['version']!r})",
        )
    for section in layout.SECTIONS:
        names = tuple(field for owner, field in layout.HEADER_FIELDS if owner == section)
        for name, value in _fields(document[section], section, names).items():
            _typed(value, f"{section}.{name}", f"{section}.{name}")
    entries = document["recordings"]
    if not isinstance(entries, list):
        raise CertificateRejected("recordings", "should be a JSON list")
    for index, entry in enumerate(entries):
        path = f"recordings[{index}] (entry {index + 1})"
        for name, value in _fields(entry, path, layout.ENTRY_FIELDS).items():
            _typed(value, f"{path}.{name}", name)
    digests = _fields(document["digests"], "digests", ("header", "recordings"))
    _fields(digests["header"], "digests.header", tuple(layout.header_digests_names()))
    if not isinstance(digests["recordings"], list) or not all(
        isinstance(value, str) for value in digests["recordings"]
    ):
        raise CertificateRejected("digests.recordings", "should be a list of digests")
    for name, value in _fields(document["signature"], "signature", layout.SIGNATURE_FIELDS).items():
        _typed(value, f"signature.{name}", name)
    count = document["issued"]["count"]
    if not len(entries) == len(digests["recordings"]) == count:
        raise CertificateRejected(
            "recordings",
            f"the certificate states {count} recordings but lists {len(entries)} entries and "
            f"{len(digests['recordings'])} digests",
        )


def _check_key(
    signature: dict[str, str], header: dict[str, Any], public_key: Ed25519PublicKey
) -> None:
    expected = key_id(public_key)
    if signature["algorithm"] != "ed25519":
        raise CertificateRejected("signature.algorithm", "only ed25519 signatures are made")
    for path, named in (
        ("signature.key_id", signature["key_id"]),
        ("installation.key_id", header["installation"]["key_id"]),
    ):
        if named != expected:
            raise CertificateRejected(
                path, f"signed by key {named}, not by the key given ({expected})"
            )


def _entry_name(entries: list[dict[str, Any]], index: int) -> str:
    return f"recordings[{index}] (entry {index + 1}, recording {entries[index]['recording_id']})"


def _explain_bad_signature(
    digests: dict[str, Any],
    actual_header: dict[str, str],
    actual_entries: list[str],
    entries: list[dict[str, Any]],
) -> None:
    for name, value in actual_header.items():
        if digests["header"][name] != value:
            raise CertificateRejected(
                f"digests.header.{name}",
                f"the signature does not match the digests, and the digest listed for {name} "
                "no longer matches that field: the digest (or the field with it) was changed",
            )
    for index, value in enumerate(actual_entries):
        if digests["recordings"][index] != value:
            raise CertificateRejected(
                f"digests.recordings[{index}]",
                "the signature does not match the digests, and the digest listed for "
                f"{_entry_name(entries, index)} no longer matches it: the digest (or the "
                "entry with it) was changed",
            )
    raise CertificateRejected(
        "signature",
        "the signature does not match the digests, while every field and entry matches its "
        "listed digest: the signature value was changed, or parts were changed together with "
        "their digests (a signature cannot tell which)",
    )


def _check_parts(
    digests: dict[str, Any],
    actual_header: dict[str, str],
    actual_entries: list[str],
    entries: list[dict[str, Any]],
) -> None:
    for name, value in actual_header.items():
        if digests["header"][name] != value:
            raise CertificateRejected(
                name, "changed since it was signed (it no longer matches its signed digest)"
            )
    for index, value in enumerate(actual_entries):
        if digests["recordings"][index] != value:
            raise CertificateRejected(
                _entry_name(entries, index),
                "changed since it was signed: a value in this entry no longer matches its "
                "signed digest",
            )


def _check_layout(
    text: str,
    header: dict[str, Any],
    entries: list[dict[str, Any]],
    digests: dict[str, Any],
    signature: dict[str, str],
) -> None:
    expected = "".join(
        layout.render(header, entries, digests["recordings"], digests["header"], signature)
    )
    if text == expected:
        return
    index = next(
        (i for i, (a, b) in enumerate(zip(text, expected, strict=False)) if a != b),
        min(len(text), len(expected)),
    )
    raise CertificateRejected(
        _position(text, index),
        "every value is as signed, but the text is not as it was issued here (white space or "
        "an escape written another way); a certificate is kept byte for byte",
    )
